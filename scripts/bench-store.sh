#!/usr/bin/env bash
# Store benchmark (issues 3 and 11): starts DynamoDB Local (in memory) and moto (SNS, for the
# city round's notices) on free ports, runs functions/examples/bench_store.rs against them,
# stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
source scripts/local-servers.sh
port=$(free_port)
start_dynamodb_local "$port" /tmp/kezek-bench-dynamodb.log -inMemory
java_pid=$!
sns_port=$(free_port)
# moto's SNS alone, without its request log (scripts/moto-sns.py says why); KEZEK_BENCH_MOTO=cli
# runs `moto_server` as the tests do, for the figure beside it.
if [ "${KEZEK_BENCH_MOTO:-sns}" = cli ]; then
  moto_server -H 127.0.0.1 -p "$sns_port" >/tmp/kezek-bench-moto.log 2>&1 &
else
  python3 scripts/moto-sns.py "$sns_port" >/tmp/kezek-bench-moto.log 2>&1 &
fi
moto_pid=$!
# At the end: the CPU time DynamoDB Local and moto used (the stand-ins' share of the machine).
cpu_seconds() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$1/stat" 2>/dev/null || echo "?"; }
finish() {
  echo "bench-store: CPU used by DynamoDB Local $(cpu_seconds "$java_pid") s, by moto $(cpu_seconds "$moto_pid") s"
  kill "$java_pid" "$moto_pid" 2>/dev/null
}
trap finish EXIT
wait_port "$port" "bench-store: DynamoDB Local" /tmp/kezek-bench-dynamodb.log 20
wait_port "$sns_port" "bench-store: moto" /tmp/kezek-bench-moto.log 20
# KEZEK_BENCH_ONLY_POSITIONS=1 runs only GET /applications/{id} at 1,000 and 100,000 waiting;
# KEZEK_BENCH_ONLY_OFFERS=1 only those and then 1,000 offers over the 100,000 (one pool's publish);
# KEZEK_BENCH_ONLY_CITY=1 only the city round (25,000 places over 5 pools, offers, notices).
# KEZEK_BENCH_PROFILE=dev runs an unoptimised build (same round trips and items, slower own time).
profile=${KEZEK_BENCH_PROFILE:-release}
KEZEK_BENCH_STAND_INS="dynamodb=$java_pid moto=$moto_pid" \
  KEZEK_DYNAMODB_ENDPOINT="http://127.0.0.1:$port" KEZEK_SNS_ENDPOINT="http://127.0.0.1:$sns_port" \
  cargo run --profile "$profile" -p kezek-functions --example bench_store
