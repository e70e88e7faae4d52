#!/usr/bin/env bash
# Last transfer call (device): check and unpack the kit, install vLLM, unpack Node, set up the private
# repo copy /tmp/repo (later calls re-send the checkout), start the orchestrator.
set -euo pipefail
cd "$(dirname "$0")/../.."
cp .gpukit/p*/blob.* /tmp/parts/
(cd /tmp/parts && sed 's#p[0-9]/##' "$OLDPWD/.gpukit/g3/blob.sha256" | sha256sum -c --quiet) || { echo "kit parts corrupt"; exit 1; }
t0=$(date +%s.%N)
mkdir -p /tmp/kit && cat $(ls /tmp/parts/blob.* | sort -t. -k2 -n) | tar -C /tmp/kit -xf -
WHL_DIR=/tmp/kit PARTS_DIR=/tmp/kit/vdeps bash .gpukit/g3/install-vllm.sh 2>&1 | tail -n 4
mkdir -p /tmp/nodebin && xz -dc /tmp/kit/node.xz > /tmp/nodebin/node && chmod +x /tmp/nodebin/node && /tmp/nodebin/node --version
echo "$(date -u +%T) installed in $(awk -v a=$t0 -v b=$(date +%s.%N) 'BEGIN{printf "%.1f", b-a}') s" >> /tmp/out/steps.log
mkdir -p /tmp/repo && tar --exclude=./.gpukit -cf - . | tar -C /tmp/repo -xf -
cp .gpukit/g3/scripts/* /tmp/repo/scripts/ && mkdir -p /tmp/repo/.g3 && cp .gpukit/g3/*.sh .gpukit/g3/memory.yml /tmp/repo/.g3/
(source /tmp/site/vllm-env.sh; timeout 60 transformers serve --help 2>&1 | grep -E -- '--cb-' | sed 's/^ */tf-serve-flag: /' >> /tmp/out/steps.log) || true
setsid nohup bash /tmp/repo/.g3/orchestrate.sh > /tmp/out/orchestrate.log 2>&1 < /dev/null &
sleep 1; cat /tmp/out/steps.log; tail -n 3 /tmp/model-build.log
