#!/usr/bin/env bash
# A/B throughput of `creditd replay`: two binaries alternate on the same events file, each into a
# fresh database; prints wall and CPU (user+sys) seconds per run and the medians.
# Usage: bench/replay_ab.sh OLD_CREDITD NEW_CREDITD CONFIG EVENTS.jsonl [RUNS] [WORKDIR]
set -euo pipefail
old=$1; new=$2; config=$3; events=$4; runs=${5:-5}; work=${6:-$(mktemp -d)}
n=$(wc -l <"$events")
wo=(); wn=(); co=(); cn=()
for i in $(seq 1 "$runs"); do
  for which in old new; do
    bin=${!which}; rm -f "$work/$which.sqlite"*
    /usr/bin/time -f "%e %U %S %M" -o "$work/$which.time" \
      "$bin" replay --config "$config" --database "$work/$which.sqlite" "$events" >"$work/$which.out" 2>"$work/$which.err"
    read -r e u s m <"$work/$which.time"
    c=$(python3 -c "print(f'{$u + $s:.2f}')")
    echo "run $i $which: wall $e s, cpu $c s, peak RSS $((m / 1024)) MiB, load $(cut -d' ' -f1 /proc/loadavg)"
    if [ "$which" = old ]; then wo+=("$e"); co+=("$c"); else wn+=("$e"); cn+=("$c"); fi
  done
done
python3 - "$n" "${wo[*]}" "${wn[*]}" "${co[*]}" "${cn[*]}" <<'PY'
import sys, statistics as st
n = int(sys.argv[1])
wo, wn, co, cn = (st.median(map(float, a.split())) for a in sys.argv[2:6])
print(f"wall median: old {wo:.2f} s ({n / wo:,.0f} events/s), new {wn:.2f} s ({n / wn:,.0f} events/s), {wo / wn:.2f}x")
print(f"cpu  median: old {co:.2f} s, new {cn:.2f} s, {co / cn:.2f}x")
PY
echo "outputs and databases of the last runs: $work (compare with bench/compare_replays.py)"
