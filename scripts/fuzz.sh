#!/usr/bin/env bash
# Fuzzes kezek-identity's parsers with cargo-fuzz (libFuzzer), FUZZ_SECONDS (default 30) per
# target: `signature_input` (CMS DER, certificate DER, base64/PEM submissions), seeded with
# CMS messages and certificates of the test PKI; `revocation_and_gost` (CRLs DER/PEM, GOST
# keys and signatures), seeded with NCA's GOST test CA, CRL and certificate; `ocsp_response`
# (OCSP responses, RFC 6960), seeded with NCA's GOST responder's response and good, revoked
# and unknown answers of `openssl ocsp` over the test PKI. Stable Rust: RUSTC_BOOTSTRAP=1
# lets cargo-fuzz use the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz
seconds=${FUZZ_SECONDS:-30}
fuzz=functions/identity/fuzz
corpus=$fuzz/corpus/signature_input
pki=$(mktemp -d)
trap 'rm -rf "$pki"' EXIT
bash functions/identity/tests/pki/make.sh "$pki"
mkdir -p "$corpus"
printf 'kezek choice v1\n' > "$pki/payload"
for holder in sign auth; do
  openssl cms -sign -binary -nosmimecap -md sha256 -outform DER -in "$pki/payload" -signer "$pki/$holder.pem" -inkey "$pki/$holder.key" -out "$corpus/seed-$holder-detached.der"
  openssl cms -sign -binary -nosmimecap -md sha256 -outform DER -nodetach -in "$pki/payload" -signer "$pki/$holder.pem" -inkey "$pki/$holder.key" -out "$corpus/seed-$holder-attached.der"
  openssl x509 -in "$pki/$holder.pem" -outform DER -out "$corpus/seed-$holder-certificate.der"
done
gost_corpus=$fuzz/corpus/revocation_and_gost
mkdir -p "$gost_corpus"
cp functions/identity/tests/nca/*.cer functions/identity/tests/nca/*.crl "$gost_corpus/"
openssl crl -in "$pki/intermediate.crl.pem" -outform DER -out "$gost_corpus/seed-rsa.crl"
ocsp_corpus=$fuzz/corpus/ocsp_response
mkdir -p "$ocsp_corpus"
cp functions/identity/tests/nca/ocsp_response_individual_2015.bin "$ocsp_corpus/seed-nca.bin"
for holder in sign revoked_sign; do
  (cd "$pki" && openssl ocsp -issuer intermediate.pem -cert "$holder.pem" -reqout "req-$holder.der" >/dev/null 2>&1 &&
    openssl ocsp -index index-intermediate.txt -CA intermediate.pem -rsigner ocsp_responder.pem -rkey ocsp_responder.key \
      -nmin 10 -reqin "req-$holder.der" -respout "resp-$holder.der" >/dev/null 2>&1 &&
    openssl ocsp -index index-empty.txt -CA intermediate.pem -rsigner ocsp_responder.pem -rkey ocsp_responder.key \
      -reqin "req-$holder.der" -respout "unknown-$holder.der" >/dev/null 2>&1)
  cp "$pki/resp-$holder.der" "$ocsp_corpus/seed-$holder.der"
  cp "$pki/unknown-$holder.der" "$ocsp_corpus/seed-unknown-$holder.der"
done
cd "$fuzz"
RUSTC_BOOTSTRAP=1 cargo fuzz run signature_input "corpus/signature_input" -- -max_total_time="$seconds" -max_len=16384
RUSTC_BOOTSTRAP=1 cargo fuzz run revocation_and_gost "corpus/revocation_and_gost" -- -max_total_time="$seconds" -max_len=65536
RUSTC_BOOTSTRAP=1 cargo fuzz run ocsp_response "corpus/ocsp_response" -- -max_total_time="$seconds" -max_len=16384
