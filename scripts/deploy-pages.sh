#!/usr/bin/env bash
# Uploads the pages (web/, with the WebAssembly package web/pkg/) to the stack's private
# bucket behind CloudFront (infra/template.yaml: PagesBucket, PagesDistribution) and writes
# their configuration, web/config.json, from the stack's outputs: the API's URL is never
# hard-coded in the pages. The API allows the distribution's origin (CORS on the HTTP API),
# and the applications function's KEZEK_VERIFY_URL points the referral PDF's QR code at
# verify.html there.
#
# Usage: scripts/deploy-pages.sh STACK_NAME      (after `sam deploy`; needs the AWS CLI)
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:?usage: $0 STACK_NAME}"

output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
api=$(output ApiUrl)
bucket=$(output PagesBucketName)
distribution=$(output PagesDistributionId)
[ -n "$api" ] && [ -n "$bucket" ] && [ -n "$distribution" ] || { echo "stack $stack has no pages outputs" >&2; exit 1; }

[ -f web/pkg/kezek_rules.js ] || bash scripts/build-wasm.sh
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R web/. "$staging/"
# The pages' configuration: the API's URL; NCALayer and the map link keep their defaults.
jq --arg api "$api" '.api = $api' web/config.json > "$staging/config.json"

# Long-cached files first, then the HTML and config.json (short cache), so a page never loads
# scripts older than itself for long.
aws s3 sync "$staging" "s3://$bucket" --delete --exclude '*.html' --exclude 'config.json' \
  --cache-control 'public, max-age=300'
aws s3 cp "$staging" "s3://$bucket" --recursive --exclude '*' --include '*.wasm' \
  --content-type application/wasm --cache-control 'public, max-age=300'
aws s3 cp "$staging" "s3://$bucket" --recursive --exclude '*' --include '*.html' --include 'config.json' \
  --cache-control 'no-cache'
aws cloudfront create-invalidation --distribution-id "$distribution" --paths '/*' >/dev/null
echo "pages: https://$(aws cloudfront get-distribution --id "$distribution" --query Distribution.DomainName --output text)/parent.html (API $api)"
