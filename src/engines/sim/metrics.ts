// GET /metrics in Prometheus text format with vLLM's metric names and labels (V1 engine:
// `engine="0"` and `model_name`), so the engine telemetry scraper reads the sim like vLLM.
// Values print the way Python's prometheus_client prints floats ("2.0").

import type { EngineGauges } from './model.ts';
import { BLOCK_TOKENS } from './kv-cache.ts';

interface Series {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly help: string;
  readonly value: number | null;
}

const pyFloat = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));
const labelValue = (s: string): string => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/**
 * The exposition text. Metrics the engine does not have (null gauges: the transformers profile has
 * no paged KV cache) are left out, as an engine without them would. `runMultiplier` is the sim's
 * own `sim:run_multiplier` (the current run's noise draw), for calibrating the gate.
 */
export function renderMetrics(model: string, g: EngineGauges, runMultiplier: number | null, kvBlocks: number | null = null): string {
  const series: Series[] = [
    { name: 'vllm:num_requests_running', type: 'gauge', help: 'Number of requests in model execution batches.', value: g.running },
    { name: 'vllm:num_requests_waiting', type: 'gauge', help: 'Number of requests waiting to be processed.', value: g.waiting },
    { name: 'vllm:kv_cache_usage_perc', type: 'gauge', help: 'KV-cache usage. 1 means 100 percent usage.', value: g.kvUsage },
    { name: 'vllm:num_preemptions_total', type: 'counter', help: 'Cumulative number of preemption from the engine.', value: g.preemptions },
    { name: 'vllm:prefix_cache_queries_total', type: 'counter', help: 'Prefix cache queries, in terms of number of queried tokens.', value: g.prefixQueriedTokens },
    { name: 'vllm:prefix_cache_hits_total', type: 'counter', help: 'Prefix cache hits, in terms of number of cached tokens.', value: g.prefixHitTokens },
    { name: 'vllm:prompt_tokens_total', type: 'counter', help: 'Number of prefill tokens processed.', value: g.promptTokens },
    { name: 'vllm:generation_tokens_total', type: 'counter', help: 'Number of generation tokens processed.', value: g.generationTokens },
  ];
  const labels = `{engine="0",model_name="${labelValue(model)}"}`;
  let text = '';
  for (const s of series) {
    if (s.value === null) continue;
    text += `# HELP ${s.name} ${s.help}\n# TYPE ${s.name} ${s.type}\n${s.name}${labels} ${pyFloat(s.value)}\n`;
  }
  // vLLM exports its CacheConfig as the labels of one gauge; the sim gives the two the gate reads.
  if (kvBlocks !== null) {
    text += `# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig\n# TYPE vllm:cache_config_info gauge\nvllm:cache_config_info{block_size="${BLOCK_TOKENS}",engine="0",num_gpu_blocks="${kvBlocks}"} 1.0\n`;
  }
  if (runMultiplier !== null) {
    text += `# HELP sim:run_multiplier Speed multiplier of the current run (noise draw; 1 without --noise).\n# TYPE sim:run_multiplier gauge\nsim:run_multiplier${labels} ${pyFloat(runMultiplier)}\n`;
  }
  return text;
}
