import { setTimeout as sleep } from 'node:timers/promises';

// Engine-side telemetry from a Prometheus /metrics endpoint, read by the series names the engine's
// adapter declares (vLLM's, which the simulated engine speaks too): KV-cache usage, requests running and waiting, preemptions and prefix-cache
// hits. Gauges are polled during a scenario; counters are read as the difference between the
// scrape that opens a window and the one that closes it.

export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses the Prometheus text exposition format (comments skipped, label values unescaped). */
export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/.exec(line);
    if (!m) continue;
    const value = parseValue(m[4]);
    if (value === null) continue;
    out.push({ name: m[1], labels: m[3] ? parseLabels(m[3]) : {}, value });
  }
  return out;
}

function parseValue(text: string): number | null {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const n = Number(text);
  return Number.isNaN(n) ? null : n;
}

function parseLabels(body: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/** One scrape reduced to what the gate reports; null where the engine does not export the metric. */
export interface EngineSnapshot {
  /** Date.now() of the scrape. */
  readonly t: number;
  /** KV-cache usage 0..1 (the fullest engine when data-parallel). */
  readonly kvCacheUsage: number | null;
  readonly running: number | null;
  readonly waiting: number | null;
  readonly preemptions: number | null;
  /** Prefix-cache lookups and hits in tokens (vLLM V1), or blocks (V0 gpu_prefix_cache_*). */
  readonly prefixQueries: number | null;
  readonly prefixHits: number | null;
  /** V0 only exported a hit-rate gauge, no counters. */
  readonly prefixHitRateGauge: number | null;
}

/**
 * The Prometheus series an engine exports for each quantity the gate reports, each a list of
 * names tried in order (current names first, then older ones for the same thing). An engine
 * adapter declares its own; an empty list means the engine does not export that quantity.
 */
export interface EngineMetricNames {
  readonly kvCacheUsage: readonly string[];
  readonly running: readonly string[];
  readonly waiting: readonly string[];
  readonly preemptions: readonly string[];
  readonly prefixQueries: readonly string[];
  readonly prefixHits: readonly string[];
  /** A hit-rate gauge, read only when there are no query/hit counters (vLLM V0). */
  readonly prefixHitRate: readonly string[];
}

export const VLLM_METRIC_NAMES: EngineMetricNames = Object.freeze({
  kvCacheUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
  running: ['vllm:num_requests_running'],
  waiting: ['vllm:num_requests_waiting'],
  preemptions: ['vllm:num_preemptions_total', 'vllm:num_preemptions'],
  prefixQueries: ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'],
  prefixHits: ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'],
  prefixHitRate: ['vllm:gpu_prefix_cache_hit_rate'],
});

export function engineSnapshot(samples: readonly PromSample[], t: number, names: EngineMetricNames): EngineSnapshot {
  const byName = new Map<string, number[]>();
  for (const s of samples) {
    const list = byName.get(s.name);
    if (list) list.push(s.value);
    else byName.set(s.name, [s.value]);
  }
  const first = (names: readonly string[]): number[] | undefined => names.map((n) => byName.get(n)).find((v) => v !== undefined);
  // Several series of one metric are one per engine (data parallel): counts add up, usage does not.
  const sum = (names: readonly string[]): number | null => first(names)?.reduce((a, b) => a + b, 0) ?? null;
  const max = (names: readonly string[]): number | null => {
    const v = first(names);
    return v ? Math.max(...v) : null;
  };
  return {
    t,
    kvCacheUsage: max(names.kvCacheUsage),
    running: sum(names.running),
    waiting: sum(names.waiting),
    preemptions: sum(names.preemptions),
    prefixQueries: sum(names.prefixQueries),
    prefixHits: sum(names.prefixHits),
    prefixHitRateGauge: max(names.prefixHitRate),
  };
}

export interface EngineWindowSummary {
  readonly scrapes: number;
  readonly peakKvCacheUsage: number | null;
  readonly maxRunning: number | null;
  readonly maxWaiting: number | null;
  /** Preemptions during the window (counter difference). */
  readonly preemptions: number | null;
  /** Prefix-cache hits / lookups during the window; null when there were no lookups. */
  readonly prefixCacheHitRate: number | null;
}

/**
 * Summarises the snapshots of one window: `snapshots` must start with the scrape taken when the
 * window opened and end with the one taken when it closed. A counter that went down was reset
 * (engine restart): its window delta is then unknown.
 */
export function summariseEngine(snapshots: readonly EngineSnapshot[]): EngineWindowSummary {
  const peak = (pick: (s: EngineSnapshot) => number | null): number | null => {
    const values = snapshots.map(pick).filter((v): v is number => v !== null && Number.isFinite(v));
    return values.length > 0 ? Math.max(...values) : null;
  };
  const delta = (pick: (s: EngineSnapshot) => number | null): number | null => {
    if (snapshots.length < 2) return null;
    const a = pick(snapshots[0]);
    const b = pick(snapshots[snapshots.length - 1]);
    return a === null || b === null || b < a ? null : b - a;
  };
  const queries = delta((s) => s.prefixQueries);
  const hits = delta((s) => s.prefixHits);
  let prefixCacheHitRate: number | null = null;
  if (queries !== null && hits !== null && queries > 0) prefixCacheHitRate = Math.min(1, hits / queries);
  else if (queries === null) prefixCacheHitRate = peak((s) => s.prefixHitRateGauge);
  return {
    scrapes: snapshots.length,
    peakKvCacheUsage: peak((s) => s.kvCacheUsage),
    maxRunning: peak((s) => s.running),
    maxWaiting: peak((s) => s.waiting),
    preemptions: delta((s) => s.preemptions),
    prefixCacheHitRate,
  };
}

export async function scrapeEngine(url: string, names: EngineMetricNames, timeoutMs = 2_000): Promise<EngineSnapshot> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new Error(`GET ${url} answered http ${res.status}`);
  }
  return engineSnapshot(parsePrometheus(await res.text()), Date.now(), names);
}

export interface MetricsScraper {
  /** Scrapes now and opens a window; returns its id. */
  begin(): Promise<number>;
  /** Scrapes now, closes the window and summarises it. */
  end(window: number): Promise<EngineWindowSummary>;
  /** Scrape failures so far (the engine may be too busy to answer every poll). */
  failures(): number;
  stop(): Promise<void>;
}

/** Scrapes in a row that ran into their time limit before the scraper stops asking (a hanging /metrics). */
const HANGING_SCRAPES = 3;
const SCRAPE_TIMEOUT_MS = 2_000;

/**
 * Polls `url` every `intervalMs` while at least one window is open. A /metrics that hangs would
 * cost each scenario two time limits (its window's first and last scrape) and keep a connection
 * to the engine busy all along: after HANGING_SCRAPES in a row run out of time, scraping stops
 * for good and `warn` says so once; the windows after that summarise no engine metrics.
 */
export function startMetricsScraper(url: string, names: EngineMetricNames, intervalMs = 250, warn: (message: string) => void = () => {}, timeoutMs = SCRAPE_TIMEOUT_MS): MetricsScraper {
  const open = new Map<number, EngineSnapshot[]>();
  let nextId = 1;
  let failed = 0;
  let hanging = 0;
  let stopped = false;
  let loop: Promise<void> | null = null;

  const scrape = async (): Promise<EngineSnapshot | null> => {
    if (hanging >= HANGING_SCRAPES) return null;
    const started = performance.now();
    try {
      const snap = await scrapeEngine(url, names, timeoutMs);
      hanging = 0;
      return snap;
    } catch {
      failed++;
      if (performance.now() - started >= timeoutMs * 0.9 && ++hanging === HANGING_SCRAPES) {
        warn(`GET ${url} ran out of its ${timeoutMs / 1000} s limit ${HANGING_SCRAPES} times in a row: engine metrics (KV cache, queue, preemptions) are no longer scraped for this engine start`);
      }
      return null;
    }
  };
  const record = async (): Promise<void> => {
    const snap = await scrape();
    if (snap) for (const list of open.values()) list.push(snap);
  };
  const poll = async (): Promise<void> => {
    while (!stopped && open.size > 0 && hanging < HANGING_SCRAPES) {
      await sleep(intervalMs);
      if (!stopped && open.size > 0) await record();
    }
    loop = null;
  };

  return {
    async begin() {
      const id = nextId++;
      const snap = await scrape();
      open.set(id, snap ? [snap] : []);
      loop ??= poll();
      return id;
    },
    async end(window) {
      const list = open.get(window);
      if (!list) throw new Error(`metrics window ${window} is not open`);
      const last = await scrape();
      open.delete(window);
      return summariseEngine(last ? [...list, last] : list);
    },
    failures: () => failed,
    async stop() {
      stopped = true;
      open.clear();
      await loop;
    },
  };
}
