#!/usr/bin/env bash
# Times `smishgate check` over the 5,574 UCI messages and its start-up on one message.
# Usage: scripts/bench-cli.sh   (needs ../shared/data beside the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p smishgate-cli
bin=target/release/smishgate
data=../shared/data/uci_sms_spam_collection.jsonl
input=$(mktemp)
trap 'rm -f "$input"' EXIT
# The corpus has "sender": null; check requires a string.
sed 's/"sender": null/"sender": ""/' "$data" > "$input"
lines=$(wc -l < "$input")
best() { # best of N wall times in ms for a command
  local n=$1; shift; local best=999999
  for _ in $(seq "$n"); do
    local s e
    s=$(date +%s%N); "$@" > /dev/null; e=$(date +%s%N)
    local ms=$(( (e - s) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}
scan_ms=$(best 5 "$bin" check "$input")
one=$(mktemp); echo '{"sender":"x","body":"hi"}' > "$one"
start_us=$( for _ in $(seq 20); do s=$(date +%s%N); "$bin" check "$one" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); done | sort -n | head -1 )
rm -f "$one"
echo "smishgate check over $lines UCI messages: ${scan_ms} ms wall (best of 5; target < 300 ms)"
echo "smishgate check start-up on one message: $(( start_us / 1000 )).$(( start_us % 1000 / 100 )) ms wall (best of 20; target < 10 ms)"
