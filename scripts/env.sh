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
