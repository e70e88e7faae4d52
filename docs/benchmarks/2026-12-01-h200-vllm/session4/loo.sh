#!/usr/bin/env bash
# Leave one out over every comparable unchanged vLLM job of this benchmark (each job gated, as an
# unchanged pull request, against all the others), and the two slowed jobs against all unchanged
# runs. Through the CLI only (`compare`); nothing is measured anew. From the repository root:
#   PATH=$PWD/node_modules/.bin:$PATH bash docs/benchmarks/2026-12-01-h200-vllm/session4/loo.sh
set -uo pipefail
HERE=docs/benchmarks/2026-12-01-h200-vllm
OUT=$HERE/session4/loo
TMP=/tmp/llm-perf-gate-loo4               # a fixed path, so that a rerun writes the same reports
rm -rf "$TMP" "$OUT"; mkdir -p "$TMP" "$OUT"
trap 'rm -rf "$TMP"' EXIT
source "$HERE/judge-lib.sh"
# The unchanged jobs, oldest first: three of one engine start (session 3), two of two (this session).
names=(both vllm-run-1 gate-unchanged s4-baseline s4-gate-unchanged)
files=("$HERE/both/results.json" "$HERE/vllm-run-1/results.json" "$HERE/gate-unchanged/results.json"
  "$HERE/session4/baseline/results.json" "$HERE/session4/gate-unchanged/results.json")
for i in "${!files[@]}"; do
  rest=(); for j in "${!files[@]}"; do [ "$i" != "$j" ] && rest+=("${files[$j]}"); done
  record "$TMP/loo-$i.json" "${rest[@]}"
  judge "${names[$i]}" "$TMP/loo-$i.json" "${files[$i]}"
done
# All seven unchanged runs as the history of the slowed jobs.
record "$OUT/history-7.json" "${files[@]}"
judge slowed-d65-history-7 "$OUT/history-7.json" "$HERE/session4/gate-slowed-d65/results.json"
judge slowed-d30-history-7 "$OUT/history-7.json" "$HERE/session4/gate-slowed-d30/results.json"
