#!/usr/bin/env bash
# Call 1 (device): check the host, stash the first part, start building the model in the background.
cd "$(dirname "$0")/../.."
mkdir -p /tmp/parts /tmp/out
cp .gpukit/p*/blob.* /tmp/parts/ 2>/dev/null
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch, transformers; print(torch.__version__, transformers.__version__, torch.cuda.is_available())'
if [ ! -f /tmp/model-build.pid ]; then
  ( setsid nohup bash -c 'date -u +%s.%N > /tmp/model-build.start; python3 scripts/make-model.py --preset qwen2.5-7b --out /tmp/model --tokenizer dist/qwen-tokenizer/tokenizer.json; echo "exit $?"; date -u +%s.%N' > /tmp/model-build.log 2>&1 < /dev/null & echo $! > /tmp/model-build.pid )
fi
echo "$(date -u +%T) start" >> /tmp/out/steps.log
ls -l /tmp/parts
