# Sourced by the other scripts: where the local tools live and how to reach the dev broker.
# Everything lands under .tools/ (ignored by git) so a clone never touches system Python.
CREDITD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CREDITD_ROOT
export CREDITD_TOOLS="$CREDITD_ROOT/.tools"
export CREDITD_RUN="$CREDITD_ROOT/.run"
export PYTHONPATH="$CREDITD_TOOLS/py${PYTHONPATH:+:$PYTHONPATH}"
# The broker: Tansu on loopback. Port chosen away from a real Kafka's 9092.
export CREDITD_BROKER_PORT="${CREDITD_BROKER_PORT:-19092}"
export CREDITD_TEST_BROKER="${CREDITD_TEST_BROKER:-127.0.0.1:$CREDITD_BROKER_PORT}"
export TANSU_BIN="$CREDITD_TOOLS/bin/tansu"
# Debian's librdkafka 2.0.2 cannot speak to Tansu; we build against its headers and run with
# the newer librdkafka shipped in the confluent-kafka wheel (linked as .tools/lib/librdkafka.so.1).
export LD_LIBRARY_PATH="$CREDITD_TOOLS/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$CREDITD_TOOLS/bin:/opt/swift/usr/bin:$PATH"
# A benchmark's working folder under .run/KIND/, named PREFIX-time-pid. A large run leaves half a
# gigabyte of inputs and database there, so all but the newest few runs of that kind are removed
# first (CREDITD_BENCH_KEEP, default 3, counts the new one), or the disk fills over a week of runs.
bench_workdir() {
  local kind="$1" prefix="$2" keep="${CREDITD_BENCH_KEEP:-3}"
  local parent="$CREDITD_RUN/$kind"
  mkdir -p "$parent"
  { ls -1dt "$parent"/*/ 2>/dev/null || true; } | tail -n +"$keep" | xargs -r rm -rf
  BENCH_RUN_ID="$prefix-$(date +%s)-$$"
  BENCH_WORK="$parent/$BENCH_RUN_ID"
  mkdir -p "$BENCH_WORK"
}
