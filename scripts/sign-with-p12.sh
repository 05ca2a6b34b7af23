#!/usr/bin/env bash
# Signs the exact bytes the service issued with a key from a PKCS#12 container (the form NCA
# keys come in), as a client would: a login challenge with the authentication key (AUTH_RSA),
# a choice with the signing key (RSA).
#
#   scripts/sign-with-p12.sh KEY.p12 PASSWORD FILE [--attached] [--raw] [--json NONCE]
#
#   FILE          the bytes to sign (`-` reads standard input): decode the `signedBase64` of
#                 the challenge or choice answer, never retype `signedText`
#   (default)     prints the base64 DER CMS/CAdES SignedData, detached, as NCALayer's
#                 createCAdESFromBase64 returns it
#   --attached    the CMS message carries the signed bytes
#   --raw         a raw RSA PKCS#1 v1.5 SHA-256 signature instead: prints the signature
#                 (base64) on one line and the certificate (base64 DER) on the next
#   --json NONCE  prints the request body both `POST /auth/login` and
#                 `POST /applications/{id}/sign` take:
#                 {"nonce":"…","signature":{"signatureBase64":"…"}} for CMS, with
#                 "certificateBase64":"…" added for --raw
#
# Log in and sign a choice against the local service (API=http://127.0.0.1:3000, jq):
#
#   c=$(curl -s -X POST "$API/auth/challenge" -H 'Idempotency-Key: c1')
#   body=$(echo "$c" | jq -r .signedBase64 | base64 -d |
#     scripts/sign-with-p12.sh auth.p12 test - --json "$(echo "$c" | jq -r .nonce)")
#   token=$(curl -s -X POST "$API/auth/login" -H 'Idempotency-Key: l1' -d "$body" | jq -r .token)
#   # first login (emailRequired): POST /auth/profile {"email": ...} and use the token it returns
#   c=$(curl -s -X POST "$API/applications/$ID/choose" -H "Authorization: Bearer $token" \
#     -H 'Idempotency-Key: ch1' -d '{"groupId":"tk-001-2023-kk"}')
#   body=$(echo "$c" | jq -r .signedBase64 | base64 -d |
#     scripts/sign-with-p12.sh sign.p12 test - --json "$(echo "$c" | jq -r .nonce)")
#   curl -s -X POST "$API/applications/$ID/sign" -H "Authorization: Bearer $token" \
#     -H 'Idempotency-Key: s1' -d "$body"
#
# The test PKI (bash functions/identity/tests/pki/make.sh DIR) makes auth.p12 and sign.p12 of
# applicant 880102300702, staff_auth.p12 (kindergarten BIN 150440012344) and
# operator_auth.p12 (BIN 160540023454), all with password "test".
set -euo pipefail
usage() {
  echo "usage: $0 KEY.p12 PASSWORD FILE|- [--attached] [--raw] [--json NONCE]" >&2
  exit 2
}
[ $# -ge 3 ] || usage
p12=$1 password=$2 file=$3
shift 3
attached=false raw=false nonce=
while [ $# -gt 0 ]; do
  case $1 in
    --attached) attached=true ;;
    --raw) raw=true ;;
    --json) [ $# -ge 2 ] || usage; nonce=$2; shift ;;
    *) usage ;;
  esac
  shift
done
json=false
[ -n "$nonce" ] && json=true
case $nonce in *[!A-Za-z0-9_-]*) echo "the nonce has unexpected characters" >&2; exit 2 ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077
if [ "$file" = - ]; then
  cat > "$work/payload"
  file=$work/payload
fi
# OpenSSL 3 needs -legacy for containers encrypted with older algorithms (RC2, 3DES).
pkcs12() {
  openssl pkcs12 -in "$p12" -passin "pass:$password" "$@" 2>/dev/null ||
    openssl pkcs12 -legacy -in "$p12" -passin "pass:$password" "$@" 2>/dev/null || {
      echo "cannot open $p12 (wrong password?)" >&2
      exit 1
    }
}
pkcs12 -nodes -nocerts -out "$work/key.pem"
pkcs12 -nokeys -clcerts -out "$work/cert.pem"

if $raw; then
  signature=$(openssl dgst -sha256 -sign "$work/key.pem" "$file" | base64 -w0)
  certificate=$(openssl x509 -in "$work/cert.pem" -outform DER | base64 -w0)
  if $json; then
    printf '{"nonce":"%s","signature":{"signatureBase64":"%s","certificateBase64":"%s"}}\n' "$nonce" "$signature" "$certificate"
  else
    printf '%s\n%s\n' "$signature" "$certificate"
  fi
  exit 0
fi

detach=()
$attached && detach=(-nodetach)
cms=$(openssl cms -sign -binary -nosmimecap -md sha256 -outform DER "${detach[@]}" \
  -in "$file" -signer "$work/cert.pem" -inkey "$work/key.pem" | base64 -w0)
if $json; then
  printf '{"nonce":"%s","signature":{"signatureBase64":"%s"}}\n' "$nonce" "$cms"
else
  printf '%s\n' "$cms"
fi
