#!/usr/bin/env bash
# Runs kezek locally. For now: installs what is missing, builds the WebAssembly package, prints
# the eligibility preview of a demo child computed by it (scripts/demo-preview.mjs), then
# serves the preview page on 127.0.0.1 (PORT, default 8080). The full local service
# (DynamoDB Local, SNS, HTTP API) comes with the backend issue.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh
node scripts/demo-preview.mjs
exec node tests/browser/static-server.mjs
