#!/usr/bin/env bash
# Runs every end-to-end script in scripts/e2e/ (each prints "N passed, N failed").
set -uo pipefail
cd "$(dirname "$0")/../.."
status=0
shopt -s nullglob
for script in scripts/e2e/test-*.sh; do
  echo "== $script"
  if ! "$script"; then status=1; fi
done
exit $status
