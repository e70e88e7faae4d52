// Validators of the three interop formats, written from the tools' own documentation and code
// (not from our exporters), so a test fails when an export drifts from what the tool reads.
// Each returns the problems it found; an empty list means the document is valid.

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const finiteNonNegative = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/**
 * github-action-benchmark, tools customSmallerIsBetter / customBiggerIsBetter.
 * https://github.com/benchmark-action/github-action-benchmark#examples : "Every entry in the JSON
 * file you provide only needs to provide name, unit, and value. You can also provide optional
 * range (results' variance) and extra". src/extract.ts parses the file as an array of
 * { name: string, value: number, range?: string, unit: string, extra?: string } and rejects an
 * empty array; src/extractRangeInfo.ts reads range as /(\+-|±)\s*(\d.*)/ with a numeric tail.
 */
export function benchmarkActionProblems(doc: unknown): string[] {
  if (!Array.isArray(doc)) return ['not a JSON array'];
  if (doc.length === 0) return ['empty array (the action reports "No benchmark result was found")'];
  const problems: string[] = [];
  const names = new Set<string>();
  doc.forEach((e, i) => {
    if (!isObject(e)) return void problems.push(`[${i}] not an object`);
    const at = `[${i}] ${String(e.name)}`;
    for (const key of Object.keys(e)) if (!['name', 'unit', 'value', 'range', 'extra'].includes(key)) problems.push(`${at}: unknown key ${key}`);
    if (typeof e.name !== 'string' || e.name === '') problems.push(`${at}: name must be a non-empty string`);
    else if (names.has(e.name)) problems.push(`${at}: duplicate name`);
    else names.add(e.name);
    if (typeof e.unit !== 'string' || e.unit === '') problems.push(`${at}: unit must be a non-empty string`);
    if (!finiteNonNegative(e.value)) problems.push(`${at}: value must be a finite number ≥ 0, got ${String(e.value)}`);
    if (e.range !== undefined) {
      const m = typeof e.range === 'string' ? /^(\+-|±)\s*(\d.*)$/.exec(e.range) : null;
      if (!m || !finiteNonNegative(Number(m[2]))) problems.push(`${at}: range must read "± <number>", got ${JSON.stringify(e.range)}`);
    }
    if (e.extra !== undefined && typeof e.extra !== 'string') problems.push(`${at}: extra must be a string`);
  });
  return problems;
}

/**
 * Bencher Metric Format, https://bencher.dev/docs/reference/bencher-metric-format : an object of
 * benchmarks (name at most 1024 characters), each an object of measures (slug at most 64
 * characters; a slug is lowercase kebab case), each { value: number, lower_value?: number,
 * upper_value?: number } with value required.
 */
export function bmfProblems(doc: unknown): string[] {
  if (!isObject(doc)) return ['not a JSON object'];
  const problems: string[] = [];
  if (Object.keys(doc).length === 0) problems.push('no benchmarks');
  for (const [benchmark, measures] of Object.entries(doc)) {
    if (benchmark.length === 0 || benchmark.length > 1024) problems.push(`benchmark name "${benchmark}" must have 1 to 1024 characters`);
    if (!isObject(measures)) {
      problems.push(`${benchmark}: not an object of measures`);
      continue;
    }
    if (Object.keys(measures).length === 0) problems.push(`${benchmark}: no measures`);
    for (const [slug, metric] of Object.entries(measures)) {
      const at = `${benchmark} ${slug}`;
      if (slug.length > 64 || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) problems.push(`${at}: measure must be a kebab-case slug of at most 64 characters`);
      if (!isObject(metric)) {
        problems.push(`${at}: not an object`);
        continue;
      }
      for (const key of Object.keys(metric)) if (!['value', 'lower_value', 'upper_value'].includes(key)) problems.push(`${at}: unknown key ${key}`);
      for (const key of ['value', 'lower_value', 'upper_value']) {
        if ((key === 'value' || metric[key] !== undefined) && !finiteNonNegative(metric[key])) problems.push(`${at}: ${key} must be a finite number ≥ 0, got ${String(metric[key])}`);
      }
      const { value, lower_value: lo, upper_value: hi } = metric as { value: number; lower_value?: number; upper_value?: number };
      if (lo !== undefined && lo > value) problems.push(`${at}: lower_value ${lo} above value ${value}`);
      if (hi !== undefined && hi < value) problems.push(`${at}: upper_value ${hi} below value ${value}`);
    }
  }
  return problems;
}

const VLLM_LATENCIES = ['ttft', 'tpot', 'itl', 'e2el'];

/**
 * `vllm bench serve --save-result`, from vllm/benchmarks/serve.py
 * (https://github.com/vllm-project/vllm/blob/main/vllm/benchmarks/serve.py): main_async writes
 * date (strftime "%Y%m%d-%H%M%S"), endpoint_type, backend, label, model_id, tokenizer_id,
 * num_prompts, request_rate (a number or "inf"), burstiness, max_concurrency (int or None), then
 * benchmark()'s duration, completed, failed, total_input_tokens, total_output_tokens,
 * request_throughput, request_goodput (None without --goodput), output_throughput,
 * total_token_throughput, max_concurrent_requests, and per metric mean_/median_/std_<m>_ms and
 * p<percentile>_<m>_ms. Our exports write no per-request arrays (they are optional in vLLM's
 * file), so every value here is a scalar.
 */
export function vllmBenchProblems(doc: unknown): string[] {
  if (!isObject(doc)) return ['not a JSON object'];
  const problems: string[] = [];
  const need = (key: string, ok: (v: unknown) => boolean, what: string): void => {
    if (!(key in doc)) problems.push(`missing ${key}`);
    else if (!ok(doc[key])) problems.push(`${key} must be ${what}, got ${JSON.stringify(doc[key])}`);
  };
  const count = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  const text = (v: unknown): boolean => typeof v === 'string' && v !== '';
  need('date', (v) => typeof v === 'string' && /^\d{8}-\d{6}$/.test(v), 'YYYYMMDD-HHMMSS');
  for (const key of ['endpoint_type', 'model_id']) need(key, text, 'a non-empty string');
  need('backend', (v) => v === 'openai' || v === 'openai-chat' || v === 'vllm', 'one of vLLM\'s OpenAI-compatible backends');
  for (const key of ['num_prompts', 'completed', 'failed', 'total_input_tokens', 'total_output_tokens', 'max_concurrent_requests']) need(key, count, 'an integer ≥ 0');
  need('request_rate', (v) => v === 'inf' || (finiteNonNegative(v) && (v as number) > 0), 'a rate > 0 or "inf"');
  need('burstiness', (v) => finiteNonNegative(v) && (v as number) > 0, 'a number > 0');
  need('max_concurrency', (v) => v === null || (Number.isInteger(v) && (v as number) > 0), 'null or an integer > 0');
  for (const key of ['duration', 'request_throughput', 'output_throughput', 'total_token_throughput']) need(key, finiteNonNegative, 'a finite number ≥ 0');
  need('request_goodput', (v) => v === null || finiteNonNegative(v), 'null or a finite number ≥ 0');
  for (const m of VLLM_LATENCIES) {
    for (const key of [`mean_${m}_ms`, `median_${m}_ms`, `p99_${m}_ms`]) need(key, finiteNonNegative, 'a finite number ≥ 0');
    const ps = Object.keys(doc)
      .map((k) => new RegExp(`^p(\\d+(?:\\.\\d+)?)_${m}_ms$`).exec(k))
      .filter((x): x is RegExpExecArray => x !== null)
      .map((x) => ({ p: Number(x[1]), v: doc[x[0]] as number }))
      .sort((a, b) => a.p - b.p);
    for (let i = 1; i < ps.length; i++) if (ps[i].v < ps[i - 1].v) problems.push(`p${ps[i].p}_${m}_ms below p${ps[i - 1].p}_${m}_ms`);
  }
  if ('completed' in doc && 'failed' in doc && 'num_prompts' in doc && (doc.completed as number) + (doc.failed as number) !== doc.num_prompts) {
    problems.push('completed + failed must equal num_prompts');
  }
  for (const [key, v] of Object.entries(doc)) {
    if (Array.isArray(v) || isObject(v)) problems.push(`${key}: expected a scalar`);
    if (typeof v === 'number' && !finiteNonNegative(v)) problems.push(`${key} must be a finite number ≥ 0, got ${v}`);
  }
  return problems;
}
