#!/usr/bin/env bash
# Re-judges the stored H200 vLLM runs with the current statistics, through the CLI only: histories are
# built with `compare --mode baseline`, runs gated with `compare --mode pr`. Nothing is measured anew.
# Run from the repository root: bash docs/benchmarks/2026-12-01-h200-vllm/rejudged/rejudge.sh
set -uo pipefail
HERE=docs/benchmarks/2026-12-01-h200-vllm
OUT=$HERE/rejudged
OLD=test/fixtures/h200-vllm-0.22          # the four earlier runs (same host kind, same day, 0.15 memory share)
TMP=/tmp/llm-perf-gate-rejudge            # a fixed path, so that a rerun writes the same reports
rm -rf "$TMP"; mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT"/history-*.json "$OUT"/*/ # recording appends: start from nothing
source "$HERE/judge-lib.sh"

BOTH=$HERE/both/results.json RUN1=$HERE/vllm-run-1/results.json UNCH=$HERE/gate-unchanged/results.json
D10=$HERE/gate-slowed-d10/results.json D30=$HERE/gate-slowed-d30/results.json

# The history the old verdicts used (both, vllm-run-1), and the best honest one for the slowed runs:
# every unchanged vLLM run of this benchmark (both, vllm-run-1, gate-unchanged).
record "$OUT/history-2.json" "$BOTH" "$RUN1"
record "$OUT/history-3.json" "$BOTH" "$RUN1" "$UNCH"
judge unchanged "$OUT/history-2.json" "$UNCH"
judge d10-history-2 "$OUT/history-2.json" "$D10"
judge d30-history-2 "$OUT/history-2.json" "$D30"
judge d10 "$OUT/history-3.json" "$D10"
judge d30 "$OUT/history-3.json" "$D30"

# Are the four earlier runs comparable? Gate this benchmark's unchanged run against them alone.
record "$TMP/old-4.json" "$OLD/run1.json" "$OLD/run2.json" "$OLD/run3.json" "$OLD/run4.json"
judge comparable-old-4 "$TMP/old-4.json" "$UNCH"

# Leave one out: every unchanged run gated against the others of its set, as an unchanged pull request
# (gate-unchanged against both and vllm-run-1 is `unchanged/` above).
new=("$BOTH" "$RUN1") newname=(both vllm-run-1)
for i in 0 1; do
  rest=("${new[$((1 - i))]}" "$UNCH")
  record "$TMP/loo-new-$i.json" "${rest[@]}"
  judge "loo/${newname[$i]}" "$TMP/loo-new-$i.json" "${new[$i]}"
done
for i in 1 2 3 4; do
  rest=(); for j in 1 2 3 4; do [ "$i" != "$j" ] && rest+=("$OLD/run$j.json"); done
  record "$TMP/loo-old-$i.json" "${rest[@]}"
  judge "loo/earlier-run$i" "$TMP/loo-old-$i.json" "$OLD/run$i.json"
done
