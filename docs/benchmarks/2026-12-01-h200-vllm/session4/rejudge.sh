#!/usr/bin/env bash
# Judges this session's pull-request jobs again with the statistics of the checkout (the device ran
# the CLI bundle of 4382c90), against the same 5-run history, through the CLI only (`compare`);
# nothing is measured anew. From the repository root:
#   PATH=$PWD/node_modules/.bin:$PATH bash docs/benchmarks/2026-12-01-h200-vllm/session4/rejudge.sh
set -uo pipefail
HERE=docs/benchmarks/2026-12-01-h200-vllm/session4
OUT=$HERE/rejudged
TMP=/tmp/llm-perf-gate-rejudge4           # a fixed path, so that a rerun writes the same reports
rm -rf "$TMP" "$OUT"; mkdir -p "$TMP" "$OUT"
trap 'rm -rf "$TMP"' EXIT
source "$HERE/../judge-lib.sh"
for name in gate-unchanged gate-slowed-d30 gate-slowed-d65; do judge "$name" "$HERE/history-5.json" "$HERE/$name/results.json"; done
