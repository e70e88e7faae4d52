import { join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';

// The Python environments the real-engine tests run: the locked ones scripts/setup-engines.sh makes
// (.venv, .cache/venv-vllm), or the ones the canary (scripts/engines-latest.sh) points these
// variables at, with the newest packages installed.

const root = packageRoot();
export const transformersPython = process.env.TEST_TRANSFORMERS_PYTHON || join(root, '.venv', 'bin', 'python');
export const vllmPython = process.env.TEST_VLLM_PYTHON || join(root, '.cache', 'venv-vllm', 'bin', 'python');
