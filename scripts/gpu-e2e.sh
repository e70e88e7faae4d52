#!/usr/bin/env bash
# The whole gate on a GPU host, end to end, through the action's own CLI bundle:
#   1. builds a random-weight model folder with the exact Qwen2.5-7B-Instruct architecture (bf16,
#      7.6 B parameters, 15.2 GB) and Qwen's real tokenizer. Random weights have the real model's
#      memory and compute cost, but the text it generates is meaningless; lengths are forced by
#      max_tokens (the model almost never emits EOS by chance).
#   2. runs scenarios/default.yml, each variant into its own folder under OUT_DIR (VARIANTS):
#        both   vLLM and `transformers serve --continuous-batching` in one CLI run (one report)
#        vllm   `vllm serve` (RUNS independent server starts: the run-to-run noise)
#        cb     `transformers serve --continuous-batching` (RUNS server starts)
#        plain  `transformers serve`, one request at a time, one server start
#        sim    both simulated profiles, one start each
#        capacity  both engines (BOTH_ENGINES) on CAPACITY_SCENARIOS: capacity at the SLOs and
#               the KV cache each fits in the memory budget (one CLI run, one report)
#        trace  both engines replaying TRACE_SCENARIOS (a trace's arrivals and lengths)
#        gate   one vLLM job of RUNS server starts gated against BASELINE_FILE (pull-request
#               mode), optionally slowed by a GPU co-tenant (COTENANT_DUTY, scripts/gpu-cotenant.py)
#               that the fingerprint cannot see: the gate on real noise and a real, controlled
#               regression
#   3. writes the noise table of each repeated variant (CV of every metric in every scenario) and
#      the wall time of each run.
# Works on any Linux host with an NVIDIA GPU, Python with torch and transformers[serving] 5.x (and
# vLLM for the vllm, both and gate variants), and Node 24 (NODE=path/to/node if not on PATH).
# The servers inherit this script's environment: a vLLM installed outside PYTHON's site-packages is
# found through PYTHONPATH, and variables such as VLLM_USE_FLASHINFER_SAMPLER reach it unchanged.
#
# Every engine gets the memory of a 24 GB card by default (MEMORY_GIB=21.6: vLLM's default 0.9 of an
# RTX 3090's 24 GiB), whatever the card, through the CLI's --gpu-memory-utilization (that share of
# the card's total memory): vLLM's --gpu-memory-utilization, and for transformers with
# --continuous-batching the --cb-max-memory-percent that leaves it the same total after its weights.
# So a larger GPU measures the KV-cache capacity (burst, long-context) the reference card has.
#
# Environment:
#   PYTHON        interpreter with torch + transformers[serving] (+ vLLM) (python3)
#   NODE          Node 24                                               (node)
#   OUT_DIR       where results go                                     (docs/benchmarks/gpu-e2e)
#   MODEL_DIR     model folder (built when missing)                    (.models/qwen2.5-7b)
#   SCENARIOS     scenario file                                        (scenarios/default.yml)
#   REPETITIONS   repetitions per run                                  (the CLI's default, 2)
#   RUNS          engine starts per engine in one CLI run (--runs) of the both, vllm, cb and
#                 gate variants: independent runs, the run-to-run noise  (the CLI's default, 2)
#   PLAIN_REPETITIONS  repetitions of the plain transformers run       (REPETITIONS)
#   WARMUP_REPETITIONS unrecorded passes after each server start       (the CLI's default, 1)
#   WARM_START    true|false: the second engine start that measures warm start-up (CLI default)
#   VARIANTS      which of: both vllm cb plain sim gate capacity trace (vllm cb plain sim)
#   MEMORY_GIB    GPU memory every engine may use, GiB, or "card" for each engine's own default
#                 (VLLM_MEMORY_GIB, its former name, is still read)    (21.6)
#   VLLM_ARGS     more `vllm serve` flags                               (--max-model-len 16384)
#   CB_ARGS       more `transformers serve --continuous-batching` flags (cb, both, capacity and
#                 trace variants), e.g. --cb-max-batch-tokens 2048      (none)
#   PLAIN_ARGS    more `transformers serve` flags of the plain variant  (none)
#   CAPACITY_SCENARIOS  scenario file of the capacity variant          (scenarios/capacity.yml)
#   TRACE_SCENARIOS     scenario file of the trace variant             (scenarios/trace-sample.yml)
#   BOTH_ENGINES  engine order of the both variant                      (vllm,transformers)
#   BASELINE_FILE file baseline store: vllm runs are recorded into it (--mode baseline), gate runs
#                 compared with it (--mode pr)                          (none)
#   GATE_NAME     folder name of a gate run under OUT_DIR/gate          (unchanged)
#   COTENANT_DUTY share of wall time a co-tenant keeps the GPU busy during a gate run (0 = none)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
node=${NODE:-node}
out=${OUT_DIR:-$root/docs/benchmarks/gpu-e2e}
model=${MODEL_DIR:-$root/.models/qwen2.5-7b}
scenarios=${SCENARIOS:-$root/scenarios/default.yml}
reps=${REPETITIONS:-2}
runs=${RUNS:-}
plain_reps=${PLAIN_REPETITIONS:-$reps}
variants=${VARIANTS:-vllm cb plain sim}
memory_gib=${MEMORY_GIB:-${VLLM_MEMORY_GIB:-21.6}}
vllm_args=${VLLM_ARGS---max-model-len 16384}
cb_args="--continuous-batching ${CB_ARGS:-}"
plain_args=${PLAIN_ARGS:-}
capacity_scenarios=${CAPACITY_SCENARIOS:-$root/scenarios/capacity.yml}
trace_scenarios=${TRACE_SCENARIOS:-$root/scenarios/trace-sample.yml}
both_engines=${BOTH_ENGINES:-vllm,transformers}
baseline_file=${BASELINE_FILE:-}
gate_name=${GATE_NAME:-unchanged}
duty=${COTENANT_DUTY:-0}
cli=("$node" "$root/dist/cli/index.js")
warmup=()
runs_args=()
[[ -n $runs ]] && runs_args=(--runs "$runs")
[[ -n ${WARMUP_REPETITIONS:-} ]] && warmup=(--warmup-repetitions "$WARMUP_REPETITIONS")
[[ -n ${WARM_START:-} ]] && warmup+=(--warm-start "$WARM_START")

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[gpu-e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
command -v nvidia-smi >/dev/null || { echo "gpu-e2e: nvidia-smi not found: this script needs an NVIDIA GPU host" >&2; exit 1; }
"$node" -e 'if (+process.versions.node.split(".")[0] < 24) { console.error(`gpu-e2e: Node 24 needed, ${process.execPath} is ${process.version}`); process.exit(1) }'

# --gpu-memory-utilization is a share of the whole card: the share that leaves each engine MEMORY_GIB.
budget=()
if [[ $memory_gib != card ]]; then
  total_mib=$(nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits | head -n 1)
  util=$(awk -v g="$memory_gib" -v t="$total_mib" 'BEGIN { if (g + 0 <= 0) exit 1; u = g * 1024 / t; if (u > 0.9) u = 0.9; printf "%.4f", u }') ||
    { echo "gpu-e2e: MEMORY_GIB must be a positive number of GiB or \"card\", got \"$memory_gib\"" >&2; exit 2; }
  budget=(--gpu-memory-utilization "$util")
fi

mkdir -p "$out"
timings="$out/timings.tsv"
[[ -f $timings ]] || printf 'variant\trun\trepetitions\twall_s\texit\n' >"$timings"

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
  echo "scenarios: ${scenarios#"$root"/} (capacity: ${capacity_scenarios#"$root"/}, trace: ${trace_scenarios#"$root"/})"
  "$python" -c 'import vllm; print("vllm:", vllm.__version__)' 2>/dev/null || echo "vllm: not installed"
  echo "memory budget: $memory_gib GiB (${budget[*]:-the engines own defaults})"
  echo "vllm args: $vllm_args"
  echo "transformers CB args: $cb_args"
} >"$out/environment.md"
cat "$out/environment.md"

# One CLI run into OUT_DIR/VARIANT/NAME; its wall time (model loads included) goes to the timings
# table. A failing run (or a failed gate, exit 3) is recorded and the script goes on with the next
# variant: partial figures beat none.
measure() {
  local variant=$1 name=$2 r=$3
  shift 3
  local dir="$out/$variant/$name" logf="$out/$variant-$name.log" file=$scenarios
  case $variant in capacity) file=$capacity_scenarios ;; trace) file=$trace_scenarios ;; esac
  log "$variant $name: ${*}"
  local start status=0 pid
  start=$(date +%s.%N)
  "${cli[@]}" run --scenarios "$file" --repetitions "$r" --out "$dir" --python "$python" "${warmup[@]}" "${budget[@]}" "$@" >"$logf" 2>&1 &
  pid=$!
  [[ $variant == gate && $duty != 0 ]] && cotenant "$pid" "$logf" "$r" "$dir"
  wait "$pid" || status=$?
  printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "$name" "$r" "$(elapsed "$start")" "$status" >>"$timings"
  tail -n 3 "$logf"
}

# The co-tenant follows each engine start of the job: it starts once that run's engine is ready
# (the CLI refuses to start an engine on a GPU that others hold, so it cannot run across a restart)
# and stops after that run's last request, before the CLI stops the engine and checks that the
# card's memory came back. The CLI numbers repetitions across runs: run i ends with repetition
# i × R of runs × R, and each scenario prints "vllm · rep K/N · NAME n/n requests · ..." when done.
cotenant() {
  local pid=$1 logf=$2 r=$3 dir=$4 stop="$out/.cotenant-stop" plan units starts total scen i last cpid
  mkdir -p "$dir"
  : >"$dir/cotenant.log"
  until plan=$(grep -m 1 '^plan: ' "$logf"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  # "plan: U scenario runs on vllm, S runs (engine starts) × R repetitions ..." (", S runs" absent: 1)
  units=$(sed -n 's/^plan: \([0-9]*\) scenario runs.*/\1/p' <<<"$plan")
  starts=$(sed -n 's/.*, \([0-9]*\) runs (engine starts).*/\1/p' <<<"$plan")
  starts=${starts:-1}
  total=$((starts * r))
  scen=$((units / total))
  for i in $(seq 1 "$starts"); do
    rm -f "$stop"
    until [[ $(grep -c '^vllm: ready after' "$logf") -ge $i ]]; do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    log "co-tenant: duty $duty in run $i/$starts, from engine ready to the run's last request"
    "$python" "$root/scripts/gpu-cotenant.py" --duty "$duty" --until-file "$stop" >>"$dir/cotenant.log" 2>&1 &
    cpid=$!
    last=$((i * r))
    until [[ $(grep -cE "^vllm · rep $last/$total · [^ ]+ ([0-9]+)/\1 requests( ·|\$)" "$logf") -ge $scen ]]; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    touch "$stop"
    wait "$cpid" || true
  done
  cat "$dir/cotenant.log"
}

# One job of RUNS engine starts, then the noise table of its runs.
repeated() {
  local variant=$1
  shift
  measure "$variant" job "$reps" "${runs_args[@]}" "$@"
  "${cli[@]}" noise --in "$out/$variant/job" --out "$out/noise-$variant.md" >/dev/null || true
}

recording=()
[[ -n $baseline_file ]] && recording=(--mode baseline --baseline "$baseline_file")
for variant in $variants; do
  case $variant in
    both | capacity | trace) measure "$variant" job "$reps" "${runs_args[@]}" --engines "$both_engines" --model "$model" --vllm-args "$vllm_args" --transformers-args "$cb_args" ;;
    vllm) repeated vllm --engines vllm --model "$model" --vllm-args "$vllm_args" "${recording[@]}" ;;
    cb) repeated transformers-cb --engines transformers --model "$model" --transformers-args "$cb_args" ;;
    plain) measure transformers-plain job "$plain_reps" --runs 1 --engines transformers --model "$model" --transformers-args "$plain_args" ;;
    sim) measure sim job "$reps" --runs 1 --engines sim ;;
    gate)
      [[ -n $baseline_file ]] || { echo "gpu-e2e: the gate variant needs BASELINE_FILE (recorded by the vllm variant)" >&2; exit 2; }
      measure gate "$gate_name" "$reps" "${runs_args[@]}" --engines vllm --model "$model" --vllm-args "$vllm_args" --mode pr --baseline "$baseline_file"
      ;;
    *) echo "gpu-e2e: unknown variant \"$variant\" in VARIANTS (expected both, vllm, cb, plain, sim, gate, capacity, trace)" >&2; exit 2 ;;
  esac
done
log "done: $out"
cat "$timings"
