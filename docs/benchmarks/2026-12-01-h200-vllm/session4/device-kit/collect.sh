#!/usr/bin/env bash
# Wait (device) until steps.log shows $1 or $2 seconds pass, then pack /tmp/out into $OUT.
w=${1:-all-done}; max=${2:-0}; t=0
while [ $t -lt $max ] && ! grep -q "$w" /tmp/out/steps.log 2>/dev/null; do sleep 2; t=$((t+2)); done
tar -C /tmp -czf $OUT/out.tgz out 2>/dev/null; cp /tmp/out/steps.log $OUT/
nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader
cat /tmp/out/steps.log; for f in /tmp/out/*.log; do echo "== $f"; tail -n 3 "$f"; done 2>/dev/null
