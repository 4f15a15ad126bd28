#!/usr/bin/env bash
# The example client operations must validate against the published schema.graphql, and the
# committed typed documents (examples/generated) must be what codegen makes of them today.
# Fix with `npm run codegen:client`.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsx src/cli/validate-operations.ts
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
CLIENT_CODEGEN_OUT="$fresh/" npx graphql-codegen --config codegen.client.ts >/dev/null
if ! diff -ru examples/generated "$fresh"; then
  echo "examples/generated is stale: run npm run codegen:client and commit it" >&2
  exit 1
fi
