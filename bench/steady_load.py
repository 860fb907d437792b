#!/usr/bin/env python3
"""Steady-load latency for scripts/bench-latency.

  produce: offers the events of a `gen_events.py --jsonl` file to the input topics at a fixed rate
           (a paced schedule, not a burst), and writes each input's id, type and record timestamp
           (from the delivery report: the timestamp the broker stored) to a TSV file.
  report:  matches each decision (kcat `%T<TAB>%s` lines of the decisions topic) to its input by
           `causationid` and prints order-to-decision latency: p50, p99, max, per window, and the
           achieved rates.

  mirror:  a daemon that does nothing: consumes the input topics and, for every input, produces a
           `{"causationid": ID}` record to PREFIX-decisions, with creditd's client settings
           (fetch.wait.max.ms 10, linger.ms 5, idempotent producer). Its latency through the same
           broker at the same rate is the floor creditd's is compared with.

Latency is the decision's record timestamp minus the order's record timestamp: both are set by
librdkafka clients on this machine's clock (CreateTime), so no clock skew enters.
"""
import argparse, json, sys, time

TOPIC_OF = {"order": "orders", "shipment": "shipments", "payment": "payments", "dispute": "payments"}


def produce(a):
    from confluent_kafka import Producer
    producer = Producer({"bootstrap.servers": a.broker, "linger.ms": a.linger_ms,
                         "enable.idempotence": True, "compression.type": "none"})
    total = a.rate * a.seconds
    events = []
    with open(a.jsonl) as f:
        for line in f:
            if len(events) == total:
                break
            events.append(line.rstrip("\n"))
    if len(events) < total:
        sys.exit(f"steady_load: {a.jsonl} holds {len(events)} events, {total} needed")
    out = open(a.out, "w")
    failures = []

    def delivered(err, msg, ident, typ):
        if err is not None:
            failures.append(str(err))
            return
        out.write(f"{ident}\t{typ}\t{msg.timestamp()[1]}\n")

    # Parsed before the clock starts: the paced loop only sends (on a 2-core machine the
    # generator's own CPU is taken from the broker and the daemon under test).
    sends = []
    for line in events:
        ev = json.loads(line)
        typ = ev["type"]
        sends.append((a.prefix + "-" + TOPIC_OF[typ.split(".")[0]], ev["data"]["customer_id"], line, ev["id"], typ))
    # The producer's own start (broker connections, topic metadata, the idempotent producer id)
    # happens before the paced loop: the first events' timestamps are taken at produce(), so a
    # cold producer would count its start-up as the daemon's latency.
    for kind in sorted(set(TOPIC_OF.values())):
        producer.list_topics(a.prefix + "-" + kind, timeout=10)
    producer.poll(1.0)
    start = time.monotonic()
    late = 0
    i = 0
    while i < len(sends):
        # Everything due by now goes out at once, then one wait for the next due time: one
        # wake-up per millisecond or so rather than one per event.
        now = time.monotonic()
        due_count = min(len(sends), int((now - start) * a.rate) + 1)
        if due_count <= i:
            # poll() takes whole milliseconds: a shorter wait would return at once and spin.
            producer.poll(max(0.001, start + i / a.rate - now))
            continue
        # Sends more than 50 ms behind schedule: the producer itself fell behind.
        late += max(0, min(due_count, int((now - 0.05 - start) * a.rate) + 1) - i)
        for topic, key, value, ident, typ in sends[i:due_count]:
            producer.produce(topic, key=key, value=value,
                             on_delivery=lambda err, msg, i=ident, t=typ: delivered(err, msg, i, t))
        i = due_count
        producer.poll(0)
    offered_s = time.monotonic() - start
    producer.flush(30)
    out.close()
    if failures:
        sys.exit(f"steady_load: {len(failures)} deliveries failed, first: {failures[0]}")
    print(f"offered: {total} events in {offered_s:.2f} s = {total / offered_s:,.0f} events/s "
          f"(target {a.rate}/s; {late} sends more than 50 ms behind schedule)")


def mirror(a):
    from confluent_kafka import Consumer, Producer
    consumer = Consumer({"bootstrap.servers": a.broker, "group.id": a.prefix + "-mirror",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False,
                         "fetch.wait.max.ms": 10, "session.timeout.ms": 6000})
    producer = Producer({"bootstrap.servers": a.broker, "linger.ms": 5, "enable.idempotence": True,
                         "compression.type": "none"})
    producer.list_topics(a.prefix + "-decisions", timeout=10)

    def assigned(c, partitions):
        open(a.ready, "w").close()

    consumer.subscribe([a.prefix + "-" + k for k in sorted(set(TOPIC_OF.values()))], on_assign=assigned)
    seen = 0
    while seen < a.events:
        # One message at a time: consume(n, timeout) would wait for n messages or the timeout.
        msg = consumer.poll(0.1)
        producer.poll(0)
        if msg is None or msg.error():
            continue
        seen += 1
        ident = json.loads(msg.value())["id"]
        producer.produce(a.prefix + "-decisions", key=msg.key(), value=json.dumps({"causationid": ident}))
    producer.flush(30)
    consumer.close()


def pct(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def report(a):
    inputs = {}
    first_ts = None
    last_ts = None
    with open(a.inputs) as f:
        for line in f:
            ident, typ, ts = line.rstrip("\n").split("\t")
            ts = int(ts)
            inputs[ident] = (typ, ts)
            first_ts = ts if first_ts is None else min(first_ts, ts)
            last_ts = ts if last_ts is None else max(last_ts, ts)
    first_decision = {}   # input id -> earliest decision timestamp
    last_decision_ts = 0
    decisions = 0
    with open(a.decisions) as f:
        for line in f:
            ts, _, value = line.rstrip("\n").partition("\t")
            if not value:
                continue
            decisions += 1
            cause = json.loads(value).get("causationid", "")
            ts = int(ts)
            last_decision_ts = max(last_decision_ts, ts)
            if cause in inputs and (cause not in first_decision or ts < first_decision[cause]):
                first_decision[cause] = ts
    orders = [(ts, first_decision.get(i)) for i, (typ, ts) in inputs.items() if typ == "order.created"]
    orders.sort(key=lambda o: o[0])
    lat = [d - ts for ts, d in orders if d is not None]
    missing = sum(1 for _, d in orders if d is None)
    srt = sorted(lat)
    span = (last_ts - first_ts) / 1000
    print(f"inputs: {len(inputs)} over {span:.2f} s by their record timestamps = {len(inputs) / span:,.0f} events/s achieved")
    print(f"decisions read: {decisions}; orders: {len(orders)}, decided: {len(lat)}, without a decision: {missing}")
    busy = (last_decision_ts - first_ts) / 1000
    print(f"last decision {(last_decision_ts - last_ts) / 1000:.2f} s after the last input; "
          f"daemon rate {len(inputs) / busy:,.0f} events/s (all inputs / first input to last decision)")
    print(f"order-to-decision latency (ms): p50 {pct(srt, 50)}  p90 {pct(srt, 90)}  p99 {pct(srt, 99)}  "
          f"p99.9 {pct(srt, 99.9)}  max {srt[-1] if srt else 'nan'}  mean {sum(srt) / max(1, len(srt)):.1f}")
    # Per window: a latency that grows window after window means the rate is not sustained.
    w = a.window * 1000
    rows = {}
    for ts, d in orders:
        if d is not None:
            rows.setdefault((ts - first_ts) // w, []).append(d - ts)
    print(f"per {a.window} s window of order timestamps (ms): window  orders  p50  p99  max")
    for k in sorted(rows):
        v = sorted(rows[k])
        print(f"  {k * a.window:>4}-{(k + 1) * a.window:<4}s  {len(v):>6}  {pct(v, 50):>6}  {pct(v, 99):>6}  {v[-1]:>6}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    pr = sub.add_parser("produce")
    pr.add_argument("--broker", required=True)
    pr.add_argument("--prefix", required=True, help="topics are PREFIX-orders, PREFIX-shipments, PREFIX-payments")
    pr.add_argument("--jsonl", required=True)
    pr.add_argument("--rate", type=int, required=True)
    pr.add_argument("--seconds", type=int, required=True)
    pr.add_argument("--linger-ms", type=int, default=1)
    pr.add_argument("--out", required=True)
    rp = sub.add_parser("report")
    rp.add_argument("--inputs", required=True)
    rp.add_argument("--decisions", required=True)
    rp.add_argument("--window", type=int, default=10)
    mi = sub.add_parser("mirror")
    mi.add_argument("--broker", required=True)
    mi.add_argument("--prefix", required=True)
    mi.add_argument("--events", type=int, required=True, help="exits after consuming this many")
    mi.add_argument("--ready", required=True, help="file created once partitions are assigned")
    a = p.parse_args()
    {"produce": produce, "report": report, "mirror": mirror}[a.cmd](a)


if __name__ == "__main__":
    main()
