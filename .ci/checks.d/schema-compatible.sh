#!/usr/bin/env bash
# No breaking change against the last released schema unless deprecated first or recorded in
# CHANGELOG.md (see src/schema-check.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run -s schema:check
