#!/usr/bin/env bash
# The cost of the transparency log per command (issue 13): the store benchmark
# (functions/examples/bench_store.rs) of the commit before the log and of this tree, run one
# after the other against one DynamoDB Local, and their per-command lines side by side.
#   bash scripts/bench-logging.sh [BEFORE]     (BEFORE defaults to 2fedc77, the log's parent)
# KEZEK_BENCH_PROFILE=dev builds without optimisation (as scripts/bench-store.sh); the city
# round is left out of both (the commit before has none).
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:-2fedc77}
profile=${KEZEK_BENCH_PROFILE:-release}
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
bash scripts/setup.sh >/dev/null
work="target/bench-logging"
mkdir -p "$work"
tree="$work/tree-$before"
if [ ! -d "$tree" ]; then
  git worktree add --detach "$tree" "$before" >/dev/null
fi
# One target directory for both builds: the dependencies are compiled once.
CARGO_TARGET_DIR="$PWD/target" cargo build --profile "$profile" -p kezek-functions --example bench_store \
  --manifest-path "$tree/Cargo.toml"
cp "target/$dir/examples/bench_store" "$work/bench_store-before"
cargo build --profile "$profile" -p kezek-functions --example bench_store
cp "target/$dir/examples/bench_store" "$work/bench_store-after"

source scripts/local-servers.sh
port=$(free_port)
start_dynamodb_local "$port" "$work/dynamodb.log" -inMemory
java_pid=$!
trap 'kill $java_pid 2>/dev/null' EXIT
wait_port "$port" "bench-logging: DynamoDB Local" "$work/dynamodb.log" 20
for side in before after; do
  echo "=== $side"
  KEZEK_DYNAMODB_ENDPOINT="http://127.0.0.1:$port" KEZEK_BENCH_SKIP_CITY=1 \
    "$work/bench_store-$side" | tee "$work/$side.txt"
done
echo "=== side by side (before | after)"
for name in enqueue choose sign publish 'turn engine' sweep; do
  grep -m1 "^$name" "$work/before.txt" | sed 's/^/before: /' || true
  grep -m1 "^$name" "$work/after.txt" | sed 's/^/after:  /' || true
done
