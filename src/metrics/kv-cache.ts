import type { KvCacheSize } from '../types.ts';
import { parsePrometheus } from './engine-metrics.ts';

// How much KV cache an engine set aside, from what the engine itself says: vLLM's
// `vllm:cache_config_info` series (its CacheConfig as labels: num_gpu_blocks once the memory
// profile has sized the cache, block_size), or, for transformers' paged cache, the block settings it
// was started with (`--cb-num-blocks`, `--cb-block-size`) or the sizing its log reports.

/** From a /metrics text: vLLM's cache_config_info, null when absent or not sized yet. */
export function kvFromMetrics(text: string): KvCacheSize | null {
  const info = parsePrometheus(text).find((s) => s.name === 'vllm:cache_config_info');
  if (info === undefined) return null;
  const blocks = Number(info.labels.num_gpu_blocks);
  const blockSize = Number(info.labels.block_size);
  if (!(Number.isInteger(blocks) && blocks > 0 && Number.isInteger(blockSize) && blockSize > 0)) return null;
  return { source: 'metrics', blocks, blockSize, tokens: blocks * blockSize };
}

const flagValue = (args: readonly string[], flag: string): number | null => {
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split('=', 2);
    if (name !== flag) continue;
    const n = Number(inline ?? args[i + 1]);
    return Number.isInteger(n) && n > 0 ? n : null;
  }
  return null;
};

/** transformers' paged-cache default block size (`--cb-block-size`), in tokens. */
const TRANSFORMERS_BLOCK_SIZE = 256;

/**
 * transformers' paged cache: `--cb-num-blocks` × `--cb-block-size` when it was started with a block
 * count, else the num_blocks (and block size) its cache logs once sized at the first batched request
 * (at info level: TRANSFORMERS_VERBOSITY=info); null when neither says.
 */
export function kvFromTransformers(args: readonly string[], log: string | null): KvCacheSize | null {
  const blockSize = flagValue(args, '--cb-block-size') ?? TRANSFORMERS_BLOCK_SIZE;
  const given = flagValue(args, '--cb-num-blocks');
  if (given !== null) return { source: 'arguments', blocks: given, blockSize, tokens: given * blockSize };
  // transformers 5.17 at info level: "Paged cache initialized: self.max_batch_tokens = 2048, self.num_blocks = 880, self.block_size = 256".
  const logged = log === null ? null : [...log.matchAll(/\bnum_blocks\s*=\s*(\d+)(?:,\s*self\.block_size\s*=\s*(\d+))?/g)].at(-1);
  if (!logged) return null;
  const blocks = Number(logged[1]);
  const size = logged[2] === undefined ? blockSize : Number(logged[2]);
  return { source: 'log', blocks, blockSize: size, tokens: blocks * size };
}

/** Sequences of `tokens` each that fit at once (each takes whole blocks). */
export const sequencesThatFit = (kv: KvCacheSize, tokens: number): number => Math.floor(kv.blocks / Math.ceil(tokens / kv.blockSize));
