#!/usr/bin/env python3
"""Generates a realistic order-to-cash stream as CloudEvent JSON lines.

Mix: 40 % orders, 30 % shipments (of open orders), 30 % payments (of open invoices) over C
customers with Zipf-skewed activity (a few big customers, a long tail), times increasing.
Invoices are due after the customers' payment terms (30 days in the example policy); with
`--days 365` the stream spans a year, so the unpaid ones of quiet customers reach dunning.
Writes one file per input topic as `key<TAB>value` lines for `kcat -P -K '\t'`, plus
(optionally) all events in order as plain JSON lines for `creditd replay`.
"""
import argparse, json, random, bisect, datetime, os

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=200_000)
    p.add_argument("--customers", type=int, default=10_000)
    p.add_argument("--zipf", type=float, default=1.1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=float, default=None,
                   help="spread the events over about this many days (default: 1-20 s apart, about "
                        "2 days per 20,000 events); a year lets invoices fall due and reach dunning")
    p.add_argument("--out", required=True, help="folder for orders.in, shipments.in, payments.in")
    p.add_argument("--jsonl", help="also write all events in order to this file")
    a = p.parse_args()
    rng = random.Random(a.seed)
    weights = [1.0 / (k ** a.zipf) for k in range(1, a.customers + 1)]
    cum, s = [], 0.0
    for w in weights:
        s += w; cum.append(s)
    def customer():
        return "C-%05d" % (bisect.bisect_left(cum, rng.random() * s) + 1)
    os.makedirs(a.out, exist_ok=True)
    files = {t: open(os.path.join(a.out, t + ".in"), "w") for t in ("orders", "shipments", "payments")}
    allf = open(a.jsonl, "w") if a.jsonl else None
    t = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    open_orders, open_invoices = {}, {}   # customer -> list
    n = 0
    def emit(topic, typ, cust, data):
        nonlocal n
        n += 1
        data["customer_id"] = cust
        ev = {"specversion": "1.0", "id": "gen-%d" % n, "source": "oms-bench", "type": typ,
              "time": t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "subject": cust, "data": data}
        line = json.dumps(ev, separators=(",", ":"))
        files[topic].write(cust + "\t" + line + "\n")
        if allf: allf.write(line + "\n")
    # Mean step between events: 10.5 s by default, else the span asked for over the events.
    scale = 1.0 if a.days is None else a.days * 86400 / max(a.events, 1) / 10.5
    while n < a.events:
        t += datetime.timedelta(seconds=rng.randint(1, 20) * scale)
        r = rng.random()
        c = customer()
        if r < 0.4 or not (open_orders.get(c) or open_invoices.get(c)):
            amount = rng.randint(1, 400) * 25
            oid = "O-%d" % (n + 1)
            open_orders.setdefault(c, []).append((oid, amount))
            emit("orders", "order.created", c, {"order_id": oid, "amount": "%d.00" % amount, "currency": "EUR"})
        elif r < 0.7 and open_orders.get(c):
            oid, amount = open_orders[c].pop(0)
            iid = "I-%d" % (n + 1)
            open_invoices.setdefault(c, []).append((iid, amount))
            emit("shipments", "shipment.shipped", c, {"shipment_id": "S-%d" % (n + 1), "order_id": oid,
                 "invoice_id": iid, "amount": "%d.00" % amount, "currency": "EUR"})
        elif open_invoices.get(c):
            iid, amount = open_invoices[c].pop(0)
            data = {"payment_id": "P-%d" % (n + 1), "amount": "%d.00" % amount, "currency": "EUR"}
            if rng.random() < 0.7:
                data["allocations"] = [{"invoice_id": iid, "amount": "%d.00" % amount}]
            emit("payments", "payment.received", c, data)
        else:
            oid, amount = open_orders[c].pop(0)
            iid = "I-%d" % (n + 1)
            open_invoices.setdefault(c, []).append((iid, amount))
            emit("shipments", "shipment.shipped", c, {"shipment_id": "S-%d" % (n + 1), "order_id": oid,
                 "invoice_id": iid, "amount": "%d.00" % amount, "currency": "EUR"})
    for f in files.values(): f.close()
    if allf: allf.close()

if __name__ == "__main__":
    main()
