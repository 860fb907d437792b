#!/usr/bin/env python3
"""Compares two `creditd replay` runs: the outputs on stdout (ids and contents, in order) and every
table of their databases except the state blobs (their format may differ by design) and wall-clock
columns. Usage: compare_replays.py OLD.out NEW.out OLD.sqlite NEW.sqlite; exit 1 on a difference."""
import sqlite3, sys, json
out_a, out_b, db_a, db_b = sys.argv[1:5]
a = [json.loads(l) for l in open(out_a)]
b = [json.loads(l) for l in open(out_b)]
ok = True
if a != b:
    ok = False
    print(f"outputs differ: {len(a)} vs {len(b)}")
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print("first difference at", i, x, y); break
else:
    print(f"outputs identical: {len(a)} events, ids and contents in order")
skip_cols = {"state", "journal", "updated_at"}
def dump(path):
    db = sqlite3.connect(path)
    tables = [r[0] for r in db.execute("select name from sqlite_master where type='table' order by name")]
    res = {}
    for t in tables:
        cols = [r[1] for r in db.execute(f"pragma table_info({t})") if r[1] not in skip_cols]
        res[t] = (cols, sorted(map(repr, db.execute(f"select {','.join(cols)} from {t}"))))
    return res
da, dbb = dump(db_a), dump(db_b)
for t in sorted(set(da) | set(dbb)):
    if da.get(t) != dbb.get(t):
        ok = False
        print(f"table {t} differs ({len(da.get(t, ([], []))[1])} vs {len(dbb.get(t, ([], []))[1])} rows)")
    else:
        print(f"table {t}: {len(da[t][1])} rows identical")
sys.exit(0 if ok else 1)
