#!/usr/bin/env bash
# Schemathesis (PyPI) against the local process (scripts/serve.sh): every operation of the
# OpenAPI document it serves at /openapi.json, a bounded number of generated requests each,
# checking that no answer is a 5xx and that every answer has a documented status, content
# type and schema. Installs schemathesis if missing, starts the service, runs, stops it.
#
# Env: SCHEMATHESIS_MAX_EXAMPLES (default 20 per operation), SCHEMATHESIS_SEED (default 1;
# `random` for a new one), PORT (default: a free one), SCHEMATHESIS_REPORT (a directory for
# the JUnit report, default none). Extra arguments go to every `schemathesis run`.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.32.5
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-20}
SEED=${SCHEMATHESIS_SEED:-1}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

# 1. schemathesis, pinned (flag names change between versions); quick when present.
installed=$(python3 -m pip show schemathesis 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ "$installed" != "$VERSION" ]; then
  echo "schemathesis: installing $VERSION (found: ${installed:-none})"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi
SCHEMATHESIS=(python3 -m schemathesis.cli)
if command -v schemathesis >/dev/null 2>&1; then SCHEMATHESIS=(schemathesis); fi

# 2. The local service on a free port, with a data directory of its own.
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DATA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kezek-schemathesis.XXXXXX")
LOG="$DATA_DIR/serve.log"
PORT=$PORT KEZEK_DATA_DIR="$DATA_DIR" bash scripts/serve.sh >"$LOG" 2>&1 &
SERVER=$!
stop() {
  local status=$?
  if kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM "$SERVER" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER" 2>/dev/null || true
  fi
  wait "$SERVER" 2>/dev/null || true
  [ "$status" -eq 0 ] && rm -rf "$DATA_DIR" || echo "schemathesis: service log kept at $LOG"
  exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

BASE="http://127.0.0.1:$PORT"
# serve.sh may build the local binary first: wait for its ready line (up to 15 minutes).
for _ in $(seq 1 1800); do
  grep -q "kezek: listening on" "$LOG" 2>/dev/null && break
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "schemathesis: scripts/serve.sh stopped before it was ready:"; tail -n 40 "$LOG"; exit 1
  fi
  sleep 0.5
done
grep -q "kezek: listening on" "$LOG" || { echo "schemathesis: the service did not become ready"; tail -n 40 "$LOG"; exit 1; }

# The document the service serves; the file it is built from if it serves none yet.
SCHEMA="$BASE/openapi.json"
if ! curl -fsS -o /dev/null "$SCHEMA"; then
  echo "schemathesis: the service does not serve /openapi.json; using functions/openapi.json"
  SCHEMA=functions/openapi.json
fi

token() { # body
  curl -fsS -X POST "$BASE/local/token" -H 'content-type: application/json' -d "$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
APPLICANT=$(token '{"role":"applicant","iin":"880102300702"}')
STAFF=$(token '{"role":"staff","iin":"900115400018","kindergartenId":"tk-001"}')
OPERATOR=$(token '{"role":"operator","iin":"850620300027","regionId":"kz-zhetisu-taldykorgan"}')
# The applicant gives an e-mail address once (R2), as a real client does after the first login.
curl -fsS -o /dev/null -X POST "$BASE/auth/profile" -H "authorization: Bearer $APPLICANT" -H 'idempotency-key: schemathesis-profile' \
  -H 'content-type: application/json' -d '{"email":"schemathesis@example.kz"}' || true

# 3. One run per caller; the operator last (its loads change the region's data).
run() { # name token path-regex
  local name=$1 token=$2 regex=$3 args=()
  shift 3
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ "$SEED" = random ] || args+=(--seed "$SEED")
  if [ -n "${SCHEMATHESIS_REPORT:-}" ]; then
    args+=(--report junit --report-junit-path "$SCHEMATHESIS_REPORT/schemathesis-$name.xml")
  fi
  echo "=== schemathesis: $name ($regex)"
  "${SCHEMATHESIS[@]}" run "$SCHEMA" --url "$BASE" \
    --include-path-regex "$regex" \
    --checks "$CHECKS" \
    --max-examples "$MAX_EXAMPLES" \
    --workers 1 \
    --generation-database none \
    --request-timeout 30 \
    --no-color \
    "${args[@]}" "$@"
}
run public "" '^/(regions|referrals|transparency|auth/(challenge|login)$)' "$@"
run applicant "$APPLICANT" '^/(applications|auth/profile$)' "$@"
run staff "$STAFF" '^/staff/' "$@"
run operator "$OPERATOR" '^/operator/' "$@"
echo "=== schemathesis: every run passed ($MAX_EXAMPLES examples per operation and phase)"
