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
moto_server -H 127.0.0.1 -p "$sns_port" >/tmp/kezek-bench-moto.log 2>&1 &
moto_pid=$!
trap 'kill $java_pid $moto_pid 2>/dev/null' EXIT
wait_port "$port" "bench-store: DynamoDB Local" /tmp/kezek-bench-dynamodb.log 20
wait_port "$sns_port" "bench-store: moto" /tmp/kezek-bench-moto.log 20
# KEZEK_BENCH_ONLY_POSITIONS=1 runs only GET /applications/{id} at 1,000 and 100,000 waiting;
# KEZEK_BENCH_ONLY_CITY=1 only the city round (25,000 places over 5 pools, offers, notices).
# KEZEK_BENCH_PROFILE=dev runs an unoptimised build (same round trips and items, slower own time).
profile=${KEZEK_BENCH_PROFILE:-release}
KEZEK_DYNAMODB_ENDPOINT="http://127.0.0.1:$port" KEZEK_SNS_ENDPOINT="http://127.0.0.1:$sns_port" \
  cargo run --profile "$profile" -p kezek-functions --example bench_store
