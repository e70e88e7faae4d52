#!/usr/bin/env bash
# How much paged KV cache `transformers serve --continuous-batching` fits in a memory budget, measured:
# transformers sizes its cache from --cb-num-blocks × --cb-block-size when given, but what else it
# allocates beside the cache (activations of a batch, logits, the allocator's slack) is not stated
# anywhere, so a share flag (--cb-max-memory-percent) does not hold it to a budget. This script
# starts it with a block count, fills every block with SEQ_TOKENS-token sequences at once (the
# cache's worst case), reads the card's peak memory from the CLI's own telemetry, and bisects the
# block count until the largest that stays within MEMORY_GIB is known to RESOLUTION. The tokens that
# fit are transformers' KV capacity in the budget, the figure to set beside vLLM's, which sizes its
# cache to a budget itself (--gpu-memory-utilization; the report reads its cache_config_info).
#
# Works on any Linux host with an NVIDIA GPU, Python with torch and transformers[serving] 5.x, and
# Node 24. Each probe is one CLI run into OUT_DIR/probe-TOKENS; the table of probes is
# OUT_DIR/kv-fit.tsv and the last line printed is the result.
#
# Environment:
#   PYTHON       interpreter with torch + transformers[serving]           (python3)
#   NODE         Node 24                                                   (node)
#   MODEL_DIR    model folder (scripts/gpu-e2e.sh builds one)              (.models/qwen2.5-7b)
#   OUT_DIR      where probes go                                          (docs/benchmarks/gpu-kv-fit)
#   MEMORY_GIB   the budget: the card's peak used memory must stay within  (21.6)
#   START_TOKENS the first cache size tried, e.g. vLLM's KV tokens in the same budget (79248)
#   BLOCK_SIZE   --cb-block-size, tokens per block                         (16)
#   SEQ_TOKENS   prompt tokens of each filling sequence                    (8192)
#   RESOLUTION   stop when the bracket is this narrow, relative            (0.05)
#   CB_ARGS      more `transformers serve --continuous-batching` flags     (--cb-max-batch-tokens 2048)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
node=${NODE:-node}
model=${MODEL_DIR:-$root/.models/qwen2.5-7b}
out=${OUT_DIR:-$root/docs/benchmarks/gpu-kv-fit}
memory_gib=${MEMORY_GIB:-21.6}
start_tokens=${START_TOKENS:-79248}
block=${BLOCK_SIZE:-16}
seq=${SEQ_TOKENS:-8192}
resolution=${RESOLUTION:-0.05}
cb_args=${CB_ARGS---cb-max-batch-tokens 2048}

positive() { awk -v v="$2" 'BEGIN { exit !(v + 0 > 0) }' || { echo "gpu-kv-fit: $1 must be a positive number, got \"$2\"" >&2; exit 2; }; }
positive MEMORY_GIB "$memory_gib"
positive START_TOKENS "$start_tokens"
positive BLOCK_SIZE "$block"
positive SEQ_TOKENS "$seq"
positive RESOLUTION "$resolution"
[[ -f $model/config.json ]] || { echo "gpu-kv-fit: no model at MODEL_DIR=$model (scripts/gpu-e2e.sh or scripts/make-model.py builds one)" >&2; exit 2; }
command -v nvidia-smi >/dev/null || { echo "gpu-kv-fit: nvidia-smi not found: this script needs an NVIDIA GPU host" >&2; exit 1; }
budget_mib=$(awk -v g="$memory_gib" 'BEGIN { printf "%d", g * 1024 }')
mkdir -p "$out"
table="$out/kv-fit.tsv"
printf 'tokens\tblocks\tsequences\tpeak_mib\tfailed\tfits\n' >"$table"

# One probe: a cache of `blocks` blocks, filled by as many SEQ_TOKENS sequences as it holds, all at
# once (one wave per repetition, two repetitions). Prints "PEAK_MIB FAILED" (the card's peak over the scenario, failed requests).
probe() {
  local blocks=$1 dir="$out/probe-$(($1 * block))"
  local per=$(((seq + block - 1) / block))
  local conc=$((blocks / per))
  ((conc >= 1)) || conc=1
  mkdir -p "$dir"
  cat >"$dir/kv-fill.yml" <<YAML
version: 1
scenarios:
  - name: kv-fill
    description: Every block of the paged cache in use at once ($conc sequences of $seq prompt tokens).
    input: $seq
    output: 64
    requests: $conc
    load: {concurrency: $conc}
    timeout-s: 600
YAML
  "$node" "$root/dist/cli/index.js" run --engines transformers --model "$model" --python "$python" \
    --transformers-args "--continuous-batching --cb-num-blocks $blocks --cb-block-size $block $cb_args" \
    --scenarios "$dir/kv-fill.yml" --runs 1 --repetitions 2 --warmup-repetitions 0 --warm-start false \
    --out "$dir/out" >"$dir/cli.log" 2>&1 || true
  "$python" - "$dir/out/results.json" <<'PY'
import json, sys
try:
    run = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("0 -1")  # no results: the engine did not start or the run failed before measuring
    sys.exit()
peaks, failed = [], 0
for engine in run["engines"]:
    if engine.get("status") not in (None, "ok"):
        failed = -1
    for s in engine.get("pooled", []):
        failed += 0 if failed < 0 else s["failed"] + (s["requests"] - s["completed"] - s["failed"])
        peak = s.get("telemetry", {}).get("peakGpuMemoryMiB")
        if peak is not None:
            peaks.append(peak)
print(max(peaks) if peaks else 0, failed if peaks else -1)
PY
}

lo=0 # largest block count seen to fit
hi=0 # smallest block count seen not to fit (0: none yet)
blocks=$((start_tokens / block))
while :; do
  read -r peak failed < <(probe "$blocks")
  fits=no
  [[ $failed == 0 && $peak -gt 0 && $peak -le $budget_mib ]] && fits=yes
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$((blocks * block))" "$blocks" "$((blocks / ((seq + block - 1) / block)))" "$peak" "$failed" "$fits" | tee -a "$table"
  if [[ $fits == yes ]]; then lo=$blocks; else hi=$blocks; fi
  # Bracket first (halve from the start until one fits; the start fitting ends it: transformers
  # then holds at least START_TOKENS), then bisect.
  if [[ $hi == 0 ]]; then break; fi
  if [[ $lo == 0 ]]; then
    blocks=$((hi / 2))
    ((blocks >= 1)) || break
    continue
  fi
  awk -v l="$lo" -v h="$hi" -v r="$resolution" 'BEGIN { exit !((h - l) / h <= r) }' && break
  blocks=$(((lo + hi) / 2))
done

if [[ $lo == 0 ]]; then
  echo "gpu-kv-fit: no cache size tried fits in $memory_gib GiB (smallest tried: $((blocks * block)) tokens); see $table" >&2
  exit 1
fi
if [[ $hi == 0 ]]; then
  echo "transformers KV in $memory_gib GiB: at least $((lo * block)) tokens ($lo blocks of $block; the start fitted, larger not tried)"
else
  echo "transformers KV in $memory_gib GiB: $((lo * block)) tokens fit ($lo blocks of $block), $((hi * block)) did not"
fi
