#!/usr/bin/env python3
"""Score a labelled JSONL (label smishing/ham, lang) with `smishgate check`: flagged and quarantined rates."""
import json, subprocess, sys, collections, pathlib
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
inp = "\n".join(json.dumps({"id": r["id"], "sender": r["sender"], "body": r["body"]}, ensure_ascii=False) for r in rows) + "\n"
out = subprocess.run([str(pathlib.Path(__file__).resolve().parents[2] / "target/release/smishgate"), "check"], input=inp, capture_output=True, text=True).stdout.splitlines()
c = collections.Counter()
for r, o in zip(rows, out):
    v = json.loads(o)
    c[(r["lang"], r["label"], v["action"])] += 1
    if "-v" in sys.argv and ((r["label"] == "smishing" and v["action"] != "quarantine") or (r["label"] == "ham" and v["action"] != "deliver")):
        print(f'{r["id"]} {r["label"]}/{r.get("pattern")} -> {v["action"]} {v["kind"]}: {r["body"][:140]!r} {[x["code"] for x in v["reasons"]]}')
for lang in ("en", "ja"):
    for label in ("smishing", "ham"):
        n = sum(c[(lang, label, a)] for a in ("deliver", "warn", "quarantine"))
        if n:
            q, w = c[(lang, label, "quarantine")], c[(lang, label, "warn")]
            print(f"{lang} {label}: {n} rows, quarantined {q} ({100*q/n:.0f}%), warned or quarantined {q+w} ({100*(q+w)/n:.0f}%)")
