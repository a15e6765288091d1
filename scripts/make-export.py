#!/usr/bin/env python3
"""Write an "SMS Backup & Restore" XML export of N received messages (default 100,000) built
from ../shared/data and tests/fixtures, for the scan benchmark. Usage: make-export.py OUT [N]"""
import glob, json, os, sys
from xml.sax.saxutils import quoteattr

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
rows = []
for f in [os.path.join(root, "../shared/data/uci_sms_spam_collection.jsonl")] + sorted(glob.glob(os.path.join(root, "tests/fixtures/*.jsonl"))):
    if os.path.exists(f):
        rows += [json.loads(l) for l in open(f, encoding="utf-8") if l.strip()]
base = 1_790_000_000_000
with open(out, "w", encoding="utf-8") as w:
    w.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
    w.write(f'<smses count="{n}" backup_set="bench" backup_date="{base}" type="full">\n')
    for i in range(n):
        r = rows[i % len(rows)]
        sender = r.get("sender") or "+8190%08d" % (i % 5000)
        w.write(f'  <sms protocol="0" address={quoteattr(sender)} date="{base + i * 1000}" type="1" subject="null" '
                f'body={quoteattr(r["body"], {chr(10): "&#10;", chr(13): "&#13;"})} toa="null" sc_toa="null" '
                f'service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" '
                f'readable_date="" contact_name="(Unknown)" />\n')
    w.write("</smses>\n")
