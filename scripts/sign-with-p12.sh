#!/usr/bin/env bash
# Signs a file with a key from a PKCS#12 container (the form NCA keys come in) and prints the
# base64 CMS/CAdES SignedData, as NCALayer's createCAdESFromBase64 returns it. Use it for a
# login challenge (with the AUTH_RSA key) or a choice (with the RSA signing key):
#
#   scripts/sign-with-p12.sh KEY.p12 PASSWORD FILE [--attached]
#
# The test PKI (functions/identity/tests/pki/make.sh DIR) makes auth.p12 and sign.p12
# with password "test".
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 KEY.p12 PASSWORD FILE [--attached]" >&2
  exit 2
fi
p12=$1 password=$2 file=$3 mode=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl pkcs12 -in "$p12" -passin "pass:$password" -nodes -nocerts -out "$work/key.pem" 2>/dev/null
openssl pkcs12 -in "$p12" -passin "pass:$password" -nokeys -clcerts -out "$work/cert.pem" 2>/dev/null
detach=()
[ "$mode" = "--attached" ] && detach=(-nodetach)
openssl cms -sign -binary -nosmimecap -md sha256 -outform DER "${detach[@]}" \
  -in "$file" -signer "$work/cert.pem" -inkey "$work/key.pem" | base64 -w0
echo
