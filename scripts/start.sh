#!/usr/bin/env bash
# Runs kezek locally. For now: builds the rules and serves the eligibility preview page on
# 127.0.0.1 (PORT, default 8080); the full local service (DynamoDB Local, SNS, HTTP API)
# arrives with the backend issue.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
bash scripts/setup.sh
bash scripts/build-wasm.sh
cargo build -p kezek-rules --example api_json --release --quiet
echo "Demo: the preview of a child born 10 May 2023 whose turn came on 2 March 2026:"
printf '%s\n' \
  '{"fn":"stateFromEvent","input":{"state":"offered","eventAt":"2026-03-02T04:00:00Z"}}' |
  "$CARGO_TARGET_DIR/release/examples/api_json"
printf '%s\n' \
  '{"fn":"previewEligibility","input":{"childIin":"230510500012","state":{"state":"offered","offeredAt":"2026-03-02T04:00:00Z","expiresAt":"2026-03-05T19:00:00Z"},"groupsWithFreePlaces":1,"now":"2026-03-02T05:00:00Z"}}' |
  "$CARGO_TARGET_DIR/release/examples/api_json"
exec node tests/browser/static-server.mjs
