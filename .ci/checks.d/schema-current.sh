#!/usr/bin/env bash
# The committed schema.graphql is the published SDL clients generate from: it must be what the
# schema/ sources print today. Fix with `npm run schema:print`.
set -euo pipefail
cd "$(dirname "$0")/../.."
printed="$(mktemp)"
trap 'rm -f "$printed"' EXIT
npm run -s schema:print -- --stdout > "$printed"
if ! diff -u schema.graphql "$printed"; then
  echo "schema.graphql is stale: run npm run schema:print and commit it" >&2
  exit 1
fi
