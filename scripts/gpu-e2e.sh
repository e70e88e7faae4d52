#!/usr/bin/env bash
# The whole gate on a GPU host, end to end, through the action's own CLI bundle:
#   1. builds a random-weight model folder with the exact Qwen2.5-7B-Instruct architecture (bf16,
#      7.6 B parameters, 15.2 GB) and Qwen's real tokenizer. Random weights have the real model's
#      memory and compute cost, but the text it generates is meaningless; lengths are forced by
#      max_tokens (the model almost never emits EOS by chance).
#   2. runs scenarios/default.yml with `transformers serve` with continuous batching (RUNS times,
#      independent server starts, for the run-to-run noise figures), once plain (one request at a
#      time), and both simulated profiles, each into its own folder under OUT_DIR;
#   3. writes the noise table (CV of every metric in every scenario) and the wall time of each run.
# Works on any Linux host with an NVIDIA GPU, Python with torch and transformers[serving] 5.x, and
# Node 24 (NODE=path/to/node if it is not on PATH).
#
# Environment:
#   PYTHON        interpreter with torch + transformers[serving]        (python3)
#   NODE          Node 24                                               (node)
#   OUT_DIR       where results go                                     (docs/benchmarks/gpu-e2e)
#   MODEL_DIR     model folder (built when missing)                    (.models/qwen2.5-7b)
#   SCENARIOS     scenario file                                        (scenarios/default.yml)
#   REPETITIONS   repetitions per run                                  (3)
#   RUNS          independent continuous-batching runs (noise figures) (3)
#   PLAIN_REPETITIONS  repetitions of the plain transformers run       (REPETITIONS)
#   WARMUP_REPETITIONS unrecorded passes after each server start       (the CLI's default, 1)
#   VARIANTS      which of: cb plain sim                               (cb plain sim)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
node=${NODE:-node}
out=${OUT_DIR:-$root/docs/benchmarks/gpu-e2e}
model=${MODEL_DIR:-$root/.models/qwen2.5-7b}
scenarios=${SCENARIOS:-$root/scenarios/default.yml}
reps=${REPETITIONS:-3}
runs=${RUNS:-3}
plain_reps=${PLAIN_REPETITIONS:-$reps}
variants=${VARIANTS:-cb plain sim}
cli=("$node" "$root/dist/cli/index.js")
warmup=()
[[ -n ${WARMUP_REPETITIONS:-} ]] && warmup=(--warmup-repetitions "$WARMUP_REPETITIONS")

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[gpu-e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
command -v nvidia-smi >/dev/null || { echo "gpu-e2e: nvidia-smi not found: this script needs an NVIDIA GPU host" >&2; exit 1; }
"$node" -e 'if (+process.versions.node.split(".")[0] < 24) { console.error(`gpu-e2e: Node 24 needed, ${process.execPath} is ${process.version}`); process.exit(1) }'

mkdir -p "$out"
timings="$out/timings.tsv"
printf 'variant\trun\trepetitions\twall_s\texit\n' >"$timings"

if [[ ! -f "$model/.complete" ]]; then
  log "building the Qwen2.5-7B-shaped model at $model"
  start=$(date +%s.%N)
  "$python" "$root/scripts/make-model.py" --preset qwen2.5-7b --out "$model" --tokenizer "$root/dist/qwen-tokenizer/tokenizer.json"
  printf 'model-build\t1\t-\t%s\t0\n' "$(elapsed "$start")" >>"$timings"
fi

{
  echo "# Environment"
  date -u +"date: %Y-%m-%dT%H:%M:%SZ"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | sed 's/^/gpu: /'
  nvidia-smi | grep -o 'CUDA Version: [0-9.]*' | sed 's/^/cuda: /' || true
  "$python" -c 'import sys, torch, transformers; print("python:", sys.version.split()[0]); print("torch:", torch.__version__, "(cuda", torch.version.cuda, ")"); print("transformers:", transformers.__version__)'
  echo "node: $("$node" --version)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "scenarios: ${scenarios#"$root"/}"
} >"$out/environment.md"
cat "$out/environment.md"

# One CLI run; its wall time (model load included) goes to the timings table. A failing run is
# recorded and the script goes on with the next variant: partial figures beat none.
measure() {
  local variant=$1 run=$2 r=$3
  shift 3
  local dir="$out/$variant/run-$run"
  log "$variant run $run: ${*}"
  local start status=0
  start=$(date +%s.%N)
  "${cli[@]}" run --scenarios "$scenarios" --repetitions "$r" --out "$dir" --python "$python" "${warmup[@]}" "$@" >"$out/$variant-run-$run.log" 2>&1 || status=$?
  printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "$run" "$r" "$(elapsed "$start")" "$status" >>"$timings"
  tail -n 3 "$out/$variant-run-$run.log"
}

for variant in $variants; do
  case $variant in
    cb)
      for i in $(seq 1 "$runs"); do
        measure transformers-cb "$i" "$reps" --engines transformers --model "$model" --transformers-args '--continuous-batching'
      done
      dirs=$(seq -s, -f "$out/transformers-cb/run-%g" 1 "$runs")
      "${cli[@]}" noise --in "$dirs" --out "$out/noise-transformers-cb.md" >/dev/null
      ;;
    plain) measure transformers-plain 1 "$plain_reps" --engines transformers --model "$model" ;;
    sim) measure sim 1 "$reps" --engines sim ;;
    *) echo "gpu-e2e: unknown variant \"$variant\" in VARIANTS (expected cb, plain, sim)" >&2; exit 2 ;;
  esac
done
log "done: $out"
cat "$timings"
