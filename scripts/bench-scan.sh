#!/usr/bin/env bash
# Times `smishgate scan` over a generated SMS Backup & Restore export of N received messages
# (default 100,000, built by scripts/make-export.py from ../shared/data and tests/fixtures) into
# a fresh database, and reports its peak resident memory (target: under 100 MB) and the database
# size. Scans the same file a second time to time the duplicate path (nothing new stored).
# Usage: scripts/bench-scan.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release -q -p smishgate-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/make-export.py "$work/export.xml" "$n"
# Peak RSS of the child, read by Python's getrusage so no extra package is needed.
python3 - "$work" <<'EOF'
import json, os, resource, subprocess, sys, time
work = sys.argv[1]
export, db = os.path.join(work, "export.xml"), os.path.join(work, "db")
for label in ("first scan", "second scan (all duplicates)"):
    t = time.monotonic()
    p = subprocess.run(["target/release/smishgate", "--db", db, "--json", "scan", export],
                       capture_output=True, text=True, check=True)
    wall = time.monotonic() - t
    s = json.loads(p.stdout)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(db) for f in fs)
    print(f"{label}: {s['read']:,} messages in {wall:.2f} s = {s['read'] / wall:,.0f} messages/s; "
          f"quarantined {s['quarantined']:,} new, {s['duplicates']:,} duplicates; "
          f"peak RSS so far {peak:.0f} MB (target < 100 MB); database {size / 1e6:.1f} MB "
          f"({os.path.getsize(export) / 1e6:.0f} MB export)")
EOF
