import { setTimeout as sleep } from 'node:timers/promises';
import { capacityReading, measureCapacity } from './capacity.ts';
import { loadUnit } from './metrics/catalog.ts';
import { collectFingerprint, modelFiles } from './baseline/fingerprint.ts';
import { EngineStartError, openEngine, type EngineSpec, type RunningEngine } from './engines/engine.ts';
import { adapterFor } from './engines/registry.ts';
import type { PromptBook } from './load/prompt-book.ts';
import { RunCancelledError, runScenario, type ScenarioRun } from './load/runner.ts';
import { startEngineTelemetry, type EngineTelemetry } from './engines/telemetry.ts';
import { modelWeightBytes, roofline } from './metrics/roofline.ts';
import { gpuMemoryState } from './metrics/gpu.ts';
import { kvFromMetrics, kvFromTransformers } from './metrics/kv-cache.ts';
import { summarize, tokenCountsOf } from './metrics/summary.ts';
import { poolRepetitions } from './metrics/pool.ts';
import type { EngineSelection, Plan } from './plan.ts';
import type {
  EngineResult,
  Fingerprint,
  KvCacheSize,
  Prompt,
  RepetitionResult,
  RequestRecord,
  RunResult,
  Scenario,
  ScenarioSet,
  ScenarioSummary,
} from './types.ts';
import { RESULTS_SCHEMA } from './types.ts';
import type { LoadProgress } from './progress.ts';

// Runs a plan: engines one after the other (one GPU), each started, measured over its planned
// repetitions and scenarios, and stopped whatever happens. A failing engine becomes a failed
// EngineResult with its log tail; the next engine is still measured.

export interface MeasureHooks {
  readonly info: (message: string) => void;
  readonly warning: (message: string) => void;
  /** Records a spawned server's process group so a post step can kill it after a crash or cancel. */
  readonly onSpawn?: (pgid: number, label: string) => void;
  readonly onStopped?: (pgid: number) => void;
  /** Requests finished (and each scenario's start, at 0): drives the progress line. */
  readonly progress?: (p: LoadProgress) => void;
  /** An engine's turn begins or ends (a log group in the action, the end of a progress line). */
  readonly engine?: (label: string, phase: 'start' | 'end') => void;
}

export interface MeasureOptions {
  readonly plan: Plan;
  readonly scenarios: ScenarioSet;
  /**
   * Model id or folder served by the real engines; the simulated engine serves it by name. null:
   * none given (each engine takes its adapter's default model, or reads the one it serves).
   */
  readonly model: string | null;
  readonly prompts: PromptBook;
  readonly python: string;
  readonly dtype: string;
  /** Extra arguments per engine kind (vllm-args, transformers-args, sim-args). */
  readonly engineArgs: Readonly<Record<string, readonly string[]>>;
  /** Where an engine that is not started from `python` is reached or how it is started. */
  readonly endpoint?: Pick<EngineSpec, 'baseUrl' | 'apiKey' | 'command' | 'readyPath'>;
  readonly startupTimeoutS: number;
  /** GPU memory budget as a share of the card for every engine that sizes a KV cache; null or absent: engine defaults. */
  readonly gpuMemoryUtilization?: number | null;
  /** Unrecorded passes over the scenarios after each engine start, before the measured ones. */
  readonly warmupRepetitions: number;
  /** Start each engine, stop it, and measure on a second start: both start-up times are recorded. */
  readonly warmStart: boolean;
  /**
   * Independent engine starts per engine; the plan's repetitions are split over them in order and
   * each start gets its own warm-up passes (prompts after the measured ones, per run).
   */
  readonly runs: number;
  /** The runs [from, to) this call measures (the sequential design adds runs one call at a time); absent: all. */
  readonly runRange?: readonly [number, number];
  readonly logDir: string;
  readonly keepRecords: boolean;
  readonly actionVersion: string;
  readonly source: RunResult['source'];
  readonly hooks: MeasureHooks;
  /** Aborted when the job is cancelled: the current engine is stopped and the run ends partial. */
  readonly signal?: AbortSignal;
}


export async function measure(opts: MeasureOptions): Promise<RunResult> {
  const engines: EngineResult[] = [];
  for (const engine of opts.plan.engines) {
    if (!opts.plan.units.some((u) => u.engine === engine.label)) continue;
    if (opts.signal?.aborted) break;
    opts.hooks.engine?.(engine.label, 'start');
    try {
      engines.push(await measureEngine(engine, opts));
    } finally {
      opts.hooks.engine?.(engine.label, 'end');
    }
  }
  return {
    schema: RESULTS_SCHEMA,
    createdAt: new Date().toISOString(),
    actionVersion: opts.actionVersion,
    model: opts.model ?? engines.find((e) => e.fingerprint.model.id !== '')?.fingerprint.model.id ?? '',
    scenarioSet: {
      file: opts.scenarios.file,
      hash: opts.scenarios.hash,
      promptHash: opts.prompts.hash,
      names: opts.scenarios.scenarios.map((s) => s.name),
      definitions: opts.scenarios.scenarios,
    },
    repetitions: Math.ceil(opts.plan.repetitions / opts.runs),
    ...(opts.runs > 1 ? { runs: opts.runs } : {}),
    warmupRepetitions: opts.warmupRepetitions,
    seed: opts.plan.seed,
    partial:
      Boolean(opts.signal?.aborted) ||
      engines.length < new Set(opts.plan.units.map((u) => u.engine)).size ||
      engines.some((e) => e.status !== 'ok'),
    engines,
    source: opts.source,
    roofline: roofline(engines.find((e) => e.fingerprint.gpu)?.fingerprint.gpu?.name ?? null, modelWeightBytes(opts.model === null ? null : modelFiles(opts.model))),
    ...(opts.plan.shard.count > 1 ? { shard: opts.plan.shard } : {}),
  };
}

/**
 * The card's memory and the model's weights, for a memory budget that must mean the same total on
 * every engine (transformers counts its share after the weights); null where either is unknown.
 */
async function budgetBasis(engine: EngineSelection, opts: MeasureOptions): Promise<EngineSpec['gpuMemory'] | undefined> {
  if (opts.gpuMemoryUtilization == null || !adapterFor(engine.kind).needs.gpu || opts.model === null) return undefined;
  const gpu = await gpuMemoryState();
  const weightBytes = modelWeightBytes(modelFiles(opts.model));
  return gpu === null || weightBytes === null ? undefined : { totalMiB: gpu.totalMiB, weightBytes };
}

function engineSpec(engine: EngineSelection, opts: MeasureOptions, gpuMemory: EngineSpec['gpuMemory'] | undefined): EngineSpec {
  return {
    ...opts.endpoint,
    ...(opts.gpuMemoryUtilization == null ? {} : { gpuMemoryUtilization: opts.gpuMemoryUtilization }),
    ...(gpuMemory === undefined ? {} : { gpuMemory }),
    kind: engine.kind,
    label: engine.label,
    model: opts.model ?? adapterFor(engine.kind).defaultModel ?? '',
    python: opts.python,
    dtype: opts.dtype,
    extraArgs: [...(engine.args ?? []), ...(opts.engineArgs[engine.kind] ?? [])],
    startupTimeoutS: opts.startupTimeoutS,
    logDir: opts.logDir,
  };
}

async function measureEngine(engine: EngineSelection, opts: MeasureOptions): Promise<EngineResult> {
  const { info, warning } = opts.hooks;
  const basis = await budgetBasis(engine, opts);
  const spec = engineSpec(engine, opts, basis);
  const repetitions: RepetitionResult[] = [];
  const kvCache: (KvCacheSize | null)[] = [];
  const records: RequestRecord[] = [];
  let running: RunningEngine | null = null;
  let telemetry: EngineTelemetry | null = null;
  // The fingerprint records the arguments as launched (dtype, ports dropped, ...); an engine that
  // never started is fingerprinted by the arguments it was given.
  let fingerprint = await fingerprintOf(engine, spec.extraArgs, null, opts);
  const startup: Startup = { coldS: null, warmS: null, external: false };
  const memory = { kvCache, ...(basis === undefined || opts.gpuMemoryUtilization == null ? {} : { memoryBudgetMiB: Math.round(opts.gpuMemoryUtilization * basis.totalMiB) }) };
  const failed = (error: string, logTail: string | null): EngineResult => ({
    ...baseResult(engine, fingerprint, startup, repetitions, records, opts),
    ...memory,
    status: 'failed',
    error,
    logTail,
  });
  const cancelled = (engine: RunningEngine): EngineResult => failed('cancelled', engine.logTail(30));
  const hooks = { info, warning, onSpawn: opts.hooks.onSpawn, onStopped: opts.hooks.onStopped, signal: opts.signal };
  const units = opts.plan.units.filter((u) => u.engine === engine.label);
  // The plan's repetitions are split over the job's runs in order: run r measures its own slice.
  const perRun = Math.ceil(opts.plan.repetitions / opts.runs);
  const [fromRun, toRun] = opts.runRange ?? [0, opts.runs];
  const measured = [...new Set(units.map((u) => u.repetition))].filter((r) => Math.floor(r / perRun) >= fromRun && Math.floor(r / perRun) < toRun);
  const requestsOf = (name: string): number => opts.scenarios.scenarios.find((s) => s.name === name)!.requests;
  const startsMeasuring = new Set(measured.map((r) => Math.floor(r / perRun))).size;
  const passes: EngineProgress = {
    done: 0,
    total:
      startsMeasuring * opts.warmupRepetitions * [...new Set(units.map((u) => u.scenario))].reduce((n, name) => n + requestsOf(name), 0) +
      units.filter((u) => measured.includes(u.repetition)).reduce((n, u) => n + requestsOf(u.scenario), 0),
  };
  try {
    for (let run = 0; run < opts.runs; run++) {
      const mine = measured.filter((r) => Math.floor(r / perRun) === run);
      if (mine.length === 0) continue;
      if (running) {
        // Runs are independent engine starts: what a start shares (placement, clocks, caches) is
        // drawn anew, which is the run-to-run variation only more runs average out.
        const previous = running;
        running = null;
        await telemetry?.stop();
        telemetry = null;
        await previous.stop();
        if (opts.signal?.aborted) return cancelled(previous);
      }
      running = await openEngine({ ...spec, run }, hooks);
      startup.external = running.proc === null;
      // The first start is the cold one (a shard may begin at a later run); later ones are warm.
      const first = startup.coldS === null;
      if (first) startup.coldS = running.startupS;
      else startup.warmS ??= running.startupS;
      // A server that is not ours cannot be restarted: it is measured as it runs.
      if (first && opts.warmStart && !startup.external) {
        // The cold start pays for reading the weights from disk and filling the engines' compile
        // caches; the warm restart is the engine's own start-up cost, steady from run to run. The
        // stop in between also proves the engine gives its GPU memory back before it is measured.
        const cold = running;
        running = null;
        await cold.stop();
        if (opts.signal?.aborted) return cancelled(cold);
        running = await openEngine({ ...spec, run }, hooks);
        startup.warmS = running.startupS;
        info(`${engine.label}: start-up cold ${startup.coldS?.toFixed(1)} s, warm ${startup.warmS?.toFixed(1)} s`);
      }
      fingerprint = await fingerprintOf(engine, running.launchArgs, running, opts);
      telemetry = await startEngineTelemetry(running, { warn: (m) => warning(`${engine.label}: ${m}`) });
      const runNote = opts.runs > 1 ? ` of run ${run + 1}/${opts.runs}` : '';
      for (let w = 0; w < opts.warmupRepetitions; w++) {
        // Unrecorded passes over this engine's scenarios, with prompts of their own: on the GPU the
        // first pass after a model load runs up to 2x slower (kernel selection and compilation per
        // new batch shape, allocator growth; docs/benchmarks/), vLLM's first scenario after a start
        // 4% slower in throughput (docs/benchmarks/2026-12-07-h100-vllm-passes), which would
        // otherwise land in the first measured repetition and swell the variance the gate must see through.
        for (const name of [...new Set(units.map((u) => u.scenario))]) {
          if (opts.signal?.aborted) return cancelled(running);
          const scenario = opts.scenarios.scenarios.find((s) => s.name === name)!;
          const warm = await measureScenario(scenario, opts.plan.repetitions + run * opts.warmupRepetitions + w, running, engine, telemetry, opts, passes);
          const died = await deathOf(running, warm.summary);
          if (died) return failed(`${died}\n(during warm-up repetition ${w + 1}${runNote}, scenario "${name}")`, running.logTail(50));
        }
      }
      for (const repetition of mine) {
        const order = units.filter((u) => u.repetition === repetition).map((u) => u.scenario);
        const summaries: ScenarioSummary[] = [];
        for (const name of order) {
          if (opts.signal?.aborted) return cancelled(running);
          const scenario = opts.scenarios.scenarios.find((s) => s.name === name)!;
          const m = await measureScenario(scenario, repetition, running, engine, telemetry, opts, passes);
          records.push(...m.records);
          const died = await deathOf(running, m.summary);
          if (died) return failed(`${died}\n(during ${passLabel(repetition, opts)}, scenario "${name}")`, running.logTail(50));
          if (m.summary.requests > 0 && m.summary.failed === m.summary.requests) {
            // Nothing was measured: the engine is up but does not serve (frozen, wedged, refusing).
            const errors = Object.entries(m.summary.errors).map(([k, v]) => `${v}× ${k}`).join(', ');
            return failed(`${engine.label}: every request of scenario "${name}" failed in ${passLabel(repetition, opts)} (${errors}): nothing was measured`, running.logTail(50));
          }
          summaries.push(m.summary);
        }
        repetitions.push({ index: repetition, ...(opts.runs > 1 ? { run } : {}), order, scenarios: summaries });
      }
      // After the load: transformers sizes its paged cache at the first batched request.
      kvCache.push(await kvCacheOf(running));
    }
    return { ...baseResult(engine, fingerprint, startup, repetitions, records, opts), ...memory, status: 'ok', error: null, logTail: null };
  } catch (err) {
    if (err instanceof RunCancelledError && running) return cancelled(running);
    if (err instanceof EngineStartError && err.reason === 'cancelled') return failed('cancelled', err.logTail);
    const message = err instanceof Error ? err.message : String(err);
    const tail = (err as { logTail?: string | null }).logTail ?? running?.logTail(50) ?? null;
    warning(`${engine.label}: ${message}`);
    return failed(message, tail);
  } finally {
    await telemetry?.stop();
    await running?.stop();
  }
}

/** The KV cache the engine set aside, as it says: its /metrics, else its paged-cache arguments or log. */
async function kvCacheOf(running: RunningEngine): Promise<KvCacheSize | null> {
  if (running.metricsUrl !== null) {
    const text = await fetch(running.metricsUrl, { signal: AbortSignal.timeout(5_000) })
      .then((r) => (r.ok ? r.text() : null))
      .catch(() => null);
    const kv = text === null ? null : kvFromMetrics(text);
    if (kv !== null) return kv;
  }
  return kvFromTransformers(running.launchArgs, running.logTail(2_000));
}

/** How long an engine's exit may trail the failed requests it caused (the exit event comes after the refused connections). */
const DEATH_SETTLE_MS = 1_000;

/**
 * Why the engine died, if it did. When requests failed and the process still looks alive, its exit
 * may just not have been seen yet: waiting a moment for it pins the death on this scenario rather
 * than on one measured later.
 */
async function deathOf(running: RunningEngine, summary: ScenarioSummary): Promise<string | null> {
  if (summary.failed > 0 && running.failure() === null && running.proc?.running()) {
    await Promise.race([running.proc.exited, sleep(DEATH_SETTLE_MS)]);
  }
  return running.failure();
}

async function measureScenario(
  scenario: Scenario,
  repetition: number,
  running: RunningEngine,
  engine: EngineSelection,
  telemetry: EngineTelemetry,
  opts: MeasureOptions,
  passes: EngineProgress,
): Promise<{ summary: ScenarioSummary; records: RequestRecord[] }> {
  const { measure: prompts, warmup: warmupPrompts } = opts.prompts.get(scenario, repetition);
  const pass = passLabel(repetition, opts);
  const label = `${engine.label} ${pass} ${scenario.name}`;
  const before = passes.done;
  const report = (done: number, total: number): void => {
    // A capacity search sends as many probes as it needs (each counted from 0): its share of the engine is its `requests`, once.
    passes.done = Math.max(passes.done, before + Math.min(done, scenario.requests));
    opts.hooks.progress?.({ engine: engine.label, scenario: scenario.name, pass, done, total, engineDone: passes.done, engineTotal: passes.total });
  };
  report(0, prompts.length);
  const window = await telemetry.begin();
  const load = (probe: Scenario, measured: readonly Prompt[], warmup: readonly Prompt[], stopWhen?: (finished: readonly RequestRecord[]) => boolean) =>
    runScenario({
      baseUrl: running.baseUrl,
      apiKey: running.apiKey,
      model: running.servedModel,
      scenario: probe,
      prompts: measured,
      warmupPrompts: warmup,
      repetition,
      dialect: running.dialect,
      signal: opts.signal,
      onProgress: report,
      stopWhen,
    });
  let summary: ScenarioSummary;
  let run: ScenarioRun;
  if (scenario.load.kind === 'capacity') {
    // The figures beside the capacity are those of the highest passing probe: the latency at capacity.
    const found = await measureCapacity(scenario, scenario.load, repetition, opts.prompts, load);
    run = found.shown;
    summary = summarize(run.records, found.shownScenario, run.durationS, run.peakConcurrency, await telemetry.end(window), found.result);
    const c = found.result;
    const r = capacityReading(c);
    const value = r === null ? 'none' : `${r.below ? 'below the lowest load tried: < ' : ''}${Number(r.value.toPrecision(3))} ${loadUnit(c.over)}`;
    opts.hooks.info(`${label}: capacity ${value} (first miss ${c.firstMiss === null ? 'none' : Number(c.firstMiss.toPrecision(3))}; ${c.probes.length} probes, ${c.searchS.toFixed(0)} s)`);
  } else {
    run = await load(scenario, prompts, warmupPrompts);
    summary = summarize(run.records, scenario, run.durationS, run.peakConcurrency, await telemetry.end(window));
  }
  if (summary.failed > 0) {
    // The classes count; the first failure's whole text says what the engine sent or did.
    const first = run.records.find((r) => !r.ok)?.error;
    opts.hooks.warning(`${label}: ${summary.failed} of ${summary.requests} requests failed (${Object.entries(summary.errors).map(([k, v]) => `${v}× ${k}`).join(', ')})${first ? `; first: ${first}` : ''}`);
  }
  if (summary.usageDisagreements) opts.hooks.warning(`${label}: the server's usage count disagreed with the stream in ${summary.usageDisagreements} of ${summary.completed} completed requests (below the chunks streamed or above max_tokens); the streamed count was used`);
  return { summary, records: run.records };
}

/**
 * A pass as the person watching counts it: "rep 2/3" in a one-run job, "run 2/2 · rep 1/2" when
 * the job has several runs (each run measures its own slice of the plan's repetitions), and
 * "warm-up 1/1 (not recorded)" for the warm-up passes (warm-up indices follow the measured ones).
 */
export function passLabel(repetition: number, opts: Pick<MeasureOptions, 'plan' | 'runs' | 'warmupRepetitions'>): string {
  const total = opts.plan.repetitions;
  const perRun = Math.ceil(total / opts.runs);
  const warm = repetition >= total;
  const run = warm ? Math.floor((repetition - total) / opts.warmupRepetitions) : Math.floor(repetition / perRun);
  const of = opts.runs > 1 ? `run ${run + 1}/${opts.runs} · ` : '';
  return warm ? `${of}warm-up ${((repetition - total) % opts.warmupRepetitions) + 1}/${opts.warmupRepetitions} (not recorded)` : `${of}rep ${(repetition % perRun) + 1}/${perRun}`;
}

/** The fingerprint of the engine as it runs, or (before it runs) of what it was asked to run. */
function fingerprintOf(engine: EngineSelection, engineArgs: readonly string[], running: RunningEngine | null, opts: MeasureOptions): Promise<Fingerprint> {
  return collectFingerprint({
    kind: engine.kind,
    python: opts.python,
    model: running?.servedModel ?? opts.model ?? '',
    engineArgs,
    serverVersion: running?.serverVersion,
    localGpu: running?.localGpu,
    actionVersion: opts.actionVersion,
  });
}

/** Requests an engine has finished over all its passes, and how many it will send in all. */
interface EngineProgress {
  done: number;
  readonly total: number;
}

interface Startup {
  coldS: number | null;
  warmS: number | null;
  /** The server was already running: its start-up and GPU state before it are not ours to know. */
  external: boolean;
}

function baseResult(
  engine: EngineSelection,
  fingerprint: Fingerprint,
  startup: Startup,
  repetitions: readonly RepetitionResult[],
  records: readonly RequestRecord[],
  opts: MeasureOptions,
): Omit<EngineResult, 'status' | 'error' | 'logTail'> {
  const pooled = poolRepetitions(repetitions, records, opts.scenarios.scenarios);
  // How the tokens were counted is known only once requests came back; it belongs to the
  // fingerprint, since a baseline counted exactly and a run counted by chunks measure different things.
  const tokenCounts = tokenCountsOf(pooled);
  return {
    engine: engine.label,
    kind: engine.kind,
    fingerprint: tokenCounts ? { ...fingerprint, tokenCounts } : fingerprint,
    startupS: startup.coldS,
    warmStartupS: startup.warmS,
    ...(startup.external ? { external: true } : {}),
    repetitions,
    pooled,
    ...(opts.keepRecords ? { records } : {}),
  };
}
