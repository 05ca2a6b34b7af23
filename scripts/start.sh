#!/usr/bin/env bash
# `npm start`: the whole service on 127.0.0.1 from a fresh machine. Installs what is missing
# (scripts/setup.sh), builds the WebAssembly package for the preview page, then serves
# (scripts/serve.sh: DynamoDB Local with data under .local/, moto for SNS, the HTTP API, the
# page, sweep + notify every 30 s). Arguments go to the server, e.g.
#   npm start -- --clock-offset 3d      # the service's clock runs three days ahead
# PORT (default 8080) and KEZEK_DATA_DIR (default .local) as in scripts/serve.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-wasm.sh
exec bash scripts/serve.sh "$@"
