#!/bin/bash
# Alternates scripts/bench-e2e between creditd builds, for side-by-side figures in one run.
# Usage: bench/ab_e2e.sh EVENTS CUSTOMERS RUNS BIN_DIR...   (each BIN_DIR holds a creditd)
set -euo pipefail
ev=$1; cu=$2; runs=$3; shift 3
cd "$(dirname "$0")/.."
for i in $(seq 1 "$runs"); do for b in "$@"; do
  echo "=== run $i $b $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)"
  CREDITD_BIN=$b scripts/bench-e2e "$ev" "$cu" 2>&1 | grep -E "kcat|creditd run|replay:|RSS|CPU"
done; done
