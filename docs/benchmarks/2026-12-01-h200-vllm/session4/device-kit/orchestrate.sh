#!/usr/bin/env bash
# Device orchestrator (runs from /tmp/repo): the CLI's defaults (2 runs × 2 repetitions, 1 warm-up,
# warm start off) for a baseline job, an unchanged pull request and two co-tenant slowdowns, then,
# if time is left, transformers continuous batching with vLLM's KV-cache capacity on burst/long-context.
set -uo pipefail
R=/tmp/repo; O=/tmp/out
source /tmp/site/vllm-env.sh
export PATH=/tmp/nodebin:$PATH NODE=/tmp/nodebin/node PYTHONUNBUFFERED=1
export OUT_DIR=$O MODEL_DIR=/tmp/model REPETITIONS=2 WARMUP_REPETITIONS=1
unset RUNS WARM_START
cd $R
st() { echo "$(date -u +%T) $*" >> $O/steps.log; }
while [ ! -f /tmp/model/.complete ] || kill -0 "$(cat /tmp/model-build.pid)" 2>/dev/null; do sleep 1; done
cp /tmp/model-build.log $O/; st model-ready "$(head -c 20 /tmp/model-build.start)"
cp docs/benchmarks/2026-12-01-h200-vllm/rejudged/history-3.json $O/history.json
export BASELINE_FILE=$O/history.json
st start-baseline
VARIANTS=vllm bash scripts/gpu-e2e.sh > $O/e2e-baseline.log 2>&1; st end-baseline $?
cp $O/history.json $O/history-after-baseline.json
VARIANTS=gate GATE_NAME=unchanged bash scripts/gpu-e2e.sh > $O/e2e-gate-unchanged.log 2>&1; st end-unchanged $?
VARIANTS=gate GATE_NAME=slowed-d65 COTENANT_DUTY=0.65 bash scripts/gpu-e2e.sh > $O/e2e-gate-d65.log 2>&1; st end-d65 $?
VARIANTS=gate GATE_NAME=slowed-d30 COTENANT_DUTY=0.3 bash scripts/gpu-e2e.sh > $O/e2e-gate-d30.log 2>&1; st end-d30 $?
if grep -q 'tf-serve-flag: --cb-block-size' $O/steps.log && grep -q 'tf-serve-flag: --cb-num-blocks' $O/steps.log; then
  st start-tf-capped
  # vLLM's KV cache in the 24 GB budget held 79,776 tokens: the same capacity in 32-token blocks.
  node dist/cli/index.js run --engines transformers --model /tmp/model --scenarios .g3/memory.yml --runs 1 --repetitions 2 \
    --transformers-args '--continuous-batching --cb-block-size 32 --cb-num-blocks 2493' --out $O/tf-cb-capped > $O/tf-cb-capped.log 2>&1
  st end-tf-capped $?
fi
st all-done
