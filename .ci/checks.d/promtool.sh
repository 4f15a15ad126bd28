#!/usr/bin/env bash
# The alert rules parse (promtool check rules) and behave: each alert fires on the synthetic series
# that should fire it and stays quiet on the one that should not (promtool test rules).
set -euo pipefail
cd "$(dirname "$0")/../../deploy/prometheus"
command -v promtool >/dev/null || { echo "promtool is missing (.ci/setup.d/prometheus.sh installs it)"; exit 1; }
promtool check rules alerts.yml
promtool test rules alerts.test.yml
