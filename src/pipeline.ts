import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { recordRun, unrecordable, type BaselineDoc } from './baseline/history.ts';
import type { BaselineStore } from './baseline/store.ts';
import { FileBaselineStore } from './baseline/file-store.ts';
import { compare } from './compare/verdict.ts';
import type { ActionConfig } from './config/inputs.ts';
import { loadScenarioSet } from './config/scenarios.ts';
import { trackServers } from './engines/cancel.ts';
import { adapterFor } from './engines/registry.ts';
import { EXIT } from './exit.ts';
import { writeExports } from './export/write.ts';
import { makePromptBook, type PromptBook } from './load/prompt-book.ts';
import { RunCancelledError } from './load/runner.ts';
import { loadTokenizer, type Tokenizer } from './load/tokenizer.ts';
import { measure, type MeasureHooks } from './measure.ts';
import { makePlan } from './plan.ts';
import { renderReport, type ReportInput } from './report/markdown.ts';
import { noiseTable, renderNoise } from './report/noise.ts';
import { terminalSummary } from './report/terminal.ts';
import { mergeShards, readShardResults } from './shards.ts';
import { actionVersion } from './version.ts';
import { RESULTS_SCHEMA, type Comparison, type RunResult, type ScenarioSet } from './types.ts';

// The pipeline shared by the action and the CLI: scenarios → plan → measure → compare → report.
// The baseline is read before anything is measured (a corrupt one fails the run before the GPU
// is spent) and written only after a complete run, only where the caller says it is trusted.


export interface Recording {
  /** Why the run was or was not recorded into the baseline history. */
  readonly recordNote: string;
  readonly recorded: boolean;
}

export interface EvaluateOptions {
  readonly config: ActionConfig;
  /** The history as read before the run; null when there is none yet. */
  readonly history: BaselineDoc | null;
  readonly store: BaselineStore | null;
  /** Whether this event may write baselines (push to the default branch, schedule, dispatch, local CLI). */
  readonly trusted: boolean;
  readonly allowFingerprintMismatch: boolean;
}

const RECORDING_MODES = new Set(['baseline', 'schedule']);

/** The run against the history read before it. */
export function judge(run: RunResult, opts: EvaluateOptions): Comparison {
  const { config } = opts;
  return compare(opts.history?.entries ?? [], run, {
    mode: config.mode,
    tolerances: config.tolerances,
    confidence: config.confidence,
    allowFingerprintMismatch: opts.allowFingerprintMismatch,
    failOn: config.failOn,
    window: config.history,
    maxFailureRate: config.maxFailureRate,
    seed: run.seed,
  });
}

/** Why a run of this configuration will not be recorded, or null when it will be (partial runs aside). */
export function notRecordedBecause(opts: Pick<EvaluateOptions, 'config' | 'store' | 'trusted'>): string | null {
  if (!RECORDING_MODES.has(opts.config.mode)) return `mode ${opts.config.mode} does not record baselines`;
  if (!opts.store) return 'no baseline store configured';
  if (!opts.trusted) return 'baselines are written only from trusted events (push to the default branch, schedule, workflow_dispatch)';
  return null;
}

/**
 * Records the run into the baseline history where the configuration allows it. Called after the
 * results and the report are on disk: a baseline that cannot be written must not take them along.
 */
export async function recordBaseline(run: RunResult, opts: EvaluateOptions): Promise<Recording> {
  const why = notRecordedBecause(opts);
  if (why !== null) return { recorded: false, recordNote: why };
  if (run.partial) return { recorded: false, recordNote: 'the run was partial or an engine failed: the baseline was left as it was' };
  // Wrong data (too many failed requests, missing or impossible values) is never history.
  const problem = unrecordable(run, opts.config.maxFailureRate);
  if (problem !== null) return { recorded: false, recordNote: `the run had errors: the baseline was left as it was (${problem})` };
  await opts.store!.update((doc) => recordRun(doc, run, opts.config.history, opts.config.maxFailureRate));
  return { recorded: true, recordNote: `recorded into the baseline history (window ${opts.config.history})` };
}

/** Before measuring: a baseline this run must write but could not is an error now, not after the GPU time. */
export async function checkRecordable(opts: Pick<EvaluateOptions, 'config' | 'store' | 'trusted'>): Promise<void> {
  if (notRecordedBecause(opts) === null) await opts.store!.checkWritable?.();
}

export interface Outputs {
  readonly resultsPath: string;
  readonly reportPath: string;
  readonly comparisonPath: string | null;
}

export function writeOutputs(outDir: string, run: RunResult, comparison: Comparison | null, report: string): Outputs {
  mkdirSync(outDir, { recursive: true });
  const resultsPath = join(outDir, 'results.json');
  const reportPath = join(outDir, 'report.md');
  writeFileSync(resultsPath, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(reportPath, report);
  writeExports(outDir, run);
  let comparisonPath: string | null = null;
  if (comparison) {
    comparisonPath = join(outDir, 'comparison.json');
    writeFileSync(comparisonPath, `${JSON.stringify(comparison, null, 2)}\n`);
  }
  return { resultsPath, reportPath, comparisonPath };
}

export interface MeasureRunOptions {
  readonly seed: number;
  readonly keepRecords: boolean;
  readonly hooks: MeasureHooks;
  readonly source: RunResult['source'];
  readonly signal?: AbortSignal;
}

export async function measureRun(config: ActionConfig, scenarios: ScenarioSet, opts: MeasureRunOptions): Promise<RunResult> {
  const tokenizer = await promptTokenizer(config, opts.hooks);
  // Warm-up passes get prompts of their own (indices after the measured repetitions), so an
  // engine's prefix cache cannot carry them into the measured ones.
  // Every run of the job measures `repetitions` passes of its own (own prompts, own shuffled order).
  const plan = makePlan({ engines: config.engines, scenarios, repetitions: config.repetitions * config.runs, seed: opts.seed, shard: config.shard });
  opts.hooks.info(
    `plan: ${plan.units.length} scenario runs on ${config.engines.map((e) => e.label).join(', ')}, ` +
      `${config.runs > 1 ? `${config.runs} runs (engine starts) × ` : ''}${config.repetitions} repetitions ` +
      `(+${config.warmupRepetitions} unrecorded warm-up${config.runs > 1 ? ' per run' : ''}), ` +
      `scenarios ${scenarios.file} (${scenarios.hash.slice(0, 12)})${plan.shard.count > 1 ? `, shard ${plan.shard.index}/${plan.shard.count}` : ''}`,
  );
  let prompts: PromptBook;
  try {
    prompts = await makePromptBook(scenarios.scenarios, config.runs * (config.repetitions + config.warmupRepetitions), tokenizer, opts.signal);
  } catch (err) {
    if (!(err instanceof RunCancelledError)) throw err;
    // Cancelled before anything was measured: measure() sees the aborted signal and returns the
    // empty, partial run at once, never asking for a prompt.
    prompts = { hash: '', get: () => { throw err; }, probe: () => Promise.reject(err) };
  }
  return measure({
    plan,
    scenarios,
    model: config.model,
    prompts,
    warmupRepetitions: config.warmupRepetitions,
    warmStart: config.warmStart,
    runs: config.runs,
    python: config.python,
    dtype: 'auto',
    engineArgs: { vllm: config.vllmArgs, transformers: config.transformersArgs, sim: config.simArgs },
    endpoint: {
      baseUrl: config.baseUrl ?? undefined,
      apiKey: config.apiKey || undefined,
      command: config.customCommand ?? undefined,
      readyPath: config.customReadyPath ?? undefined,
    },
    startupTimeoutS: config.startupTimeoutS,
    gpuMemoryUtilization: config.gpuMemoryUtilization,
    logDir: join(config.resultsDir, 'logs'),
    // Shards keep per-request records: the aggregate job pools percentiles from them.
    keepRecords: opts.keepRecords || plan.shard.count > 1,
    actionVersion: actionVersion(),
    source: opts.source,
    hooks: opts.hooks,
    signal: opts.signal,
  });
}

// One gate run, whichever door it came through (the action's main step or the CLI's `run`): the
// baseline read and checked writable first (a corrupt or read-only one fails before any GPU time
// is spent), then the run (measured, or merged from the shards of a matrix), the comparison, the
// report and the files. Recording the baseline, the summary, the comment and the exit are the
// door's: each writes its outputs first, so a baseline write that fails never takes them along.

export interface GateOptions {
  readonly config: ActionConfig;
  /** Where the baseline history lives; null: measure and report without comparing. */
  readonly store: BaselineStore | null;
  /** Whether this event may write baselines (push to the default branch, schedule, dispatch, local CLI). */
  readonly trusted: boolean;
  readonly allowFingerprintMismatch: boolean;
  readonly hooks: MeasureHooks;
  /** Aborted on cancellation: the current engine is stopped and the run ends partial. */
  readonly signal?: AbortSignal;
  readonly source: RunResult['source'];
  readonly seed: number;
  readonly keepRecords: boolean;
  /** Where results.json, report.md, comparison.json and the exports go. */
  readonly outDir: string;
  /** What the report shows besides the run (the action's run URL and PR head; the CLI's paths). */
  readonly report?: Pick<ReportInput, 'artifactUrl' | 'context' | 'historyWindow' | 'record'>;
}

export interface GateRun {
  readonly run: RunResult;
  /** How to record and judge the run; null for a shard (the aggregate job judges the matrix once) or without a store. */
  readonly evaluation: EvaluateOptions | null;
  readonly comparison: Comparison | null;
  readonly report: string;
  readonly outputs: Outputs;
}

export async function runGate(opts: GateOptions): Promise<GateRun> {
  const { config } = opts;
  const history = (await opts.store?.read()) ?? null;
  const evaluation: EvaluateOptions | null =
    config.shard.count > 1 || opts.store === null ? null : { config, history, store: opts.store, trusted: opts.trusted, allowFingerprintMismatch: opts.allowFingerprintMismatch };
  if (evaluation) await checkRecordable(evaluation);
  const run =
    config.mode === 'aggregate'
      ? mergeShards(readShardResults(config.resultsDir))
      : await measureRun(config, loadScenarioSet(config.scenarios), { seed: opts.seed, keepRecords: opts.keepRecords, hooks: opts.hooks, signal: opts.signal, source: opts.source });
  const comparison = evaluation ? judge(run, evaluation) : null;
  const report = renderReport({ run, comparison, ...opts.report });
  return { run, evaluation, comparison, report, outputs: writeOutputs(opts.outDir, run, comparison, report) };
}

/**
 * The tokenizer that sizes the prompts, by what the engines' adapters ask for: the model's own
 * (engines started on the model's files), Qwen's bundled one (the simulator), or for an endpoint
 * elsewhere the model's when this host has its files and Qwen's otherwise, said out loud.
 */
async function promptTokenizer(config: ActionConfig, hooks: MeasureHooks): Promise<Tokenizer> {
  const wants = new Set(config.engines.map((e) => adapterFor(e.kind).tokenizer));
  if (wants.has('model') && config.model !== null) return loadTokenizer(config.model);
  if (wants.has('model-or-qwen') && config.model !== null) {
    try {
      return await loadTokenizer(config.model);
    } catch (err) {
      hooks.warning(`no local tokenizer for model "${config.model}" (${(err as Error).message.split('\n')[0]}): prompts are sized with Qwen's tokenizer, so their token counts on the server may differ`);
    }
  } else if (wants.has('model-or-qwen')) {
    hooks.info("prompts are sized with Qwen's tokenizer (no model given): their token counts on the server may differ");
  }
  return loadTokenizer();
}

/** Exit status of a finished pipeline: a failed gate is 3, never 1, so scripts can tell them apart. */
export function exitCode(comparison: Comparison | null, run: RunResult): number {
  // A partial run (cancelled, an engine failed) never passes, whatever the comparison of its part says.
  if (run.partial) return EXIT.gateFailed;
  if (comparison) return comparison.gate.passed ? EXIT.pass : EXIT.gateFailed;
  return run.engines.some((e) => e.status !== 'ok') ? EXIT.gateFailed : EXIT.pass;
}

function fileStore(path: string | null): FileBaselineStore | null {
  return path ? new FileBaselineStore(path) : null;
}

/**
 * Writes results, report and comparison, then records the baseline (when `evaluate` says where):
 * in that order, so a baseline write that fails leaves what was measured on disk.
 */
async function finish(outDir: string, run: RunResult, evaluate: EvaluateOptions | null, baselinePath: string | null, historyWindow?: number): Promise<number> {
  const comparison = evaluate ? judge(run, evaluate) : null;
  const report = renderReport({ run, comparison, historyWindow, record: { resultsPath: join(outDir, 'results.json'), baselinePath } });
  return settle(run, evaluate, comparison, writeOutputs(outDir, run, comparison, report), historyWindow);
}

/** The CLI's end of a gate: the files named, the baseline recorded (after them), the verdict printed. */
async function settle(run: RunResult, evaluate: EvaluateOptions | null, comparison: Comparison | null, out: Outputs, historyWindow?: number): Promise<number> {
  for (const e of run.engines.filter((x) => x.status !== 'ok')) console.error(`${e.engine} failed: ${e.error}`);
  console.log(`results: ${out.resultsPath}\nreport:  ${out.reportPath}${out.comparisonPath ? `\ncomparison: ${out.comparisonPath}` : ''}`);
  if (evaluate && comparison) {
    const recording = await recordBaseline(run, evaluate);
    console.log(`baseline: ${recording.recordNote}`);
    console.log(terminalSummary(run, comparison, historyWindow));
  }
  return exitCode(comparison, run);
}

export async function runCommand(
  config: ActionConfig,
  opts: {
    baselinePath: string | null;
    seed: number;
    keepRecords: boolean;
    allowFingerprintMismatch: boolean;
    /** How the run talks to the person running it (progress, messages); servers are tracked here. */
    hooks: Omit<MeasureHooks, 'onSpawn' | 'onStopped'>;
  },
): Promise<number> {
  const servers = trackServers(opts.hooks.warning);
  const gate = await runGate({
    config,
    // A signal while another writer holds the baseline lock ends the wait: the results are on disk by then.
    store: opts.baselinePath ? new FileBaselineStore(opts.baselinePath, { signal: servers.signal }) : null,
    trusted: true,
    allowFingerprintMismatch: opts.allowFingerprintMismatch,
    hooks: { ...opts.hooks, onSpawn: servers.onSpawn, onStopped: servers.onStopped },
    signal: servers.signal,
    source: { sha: null, ref: null, event: 'cli' },
    seed: opts.seed,
    keepRecords: opts.keepRecords,
    outDir: config.resultsDir,
    report: { historyWindow: config.history, record: { resultsPath: join(config.resultsDir, 'results.json'), baselinePath: opts.baselinePath } },
  });
  return settle(gate.run, gate.evaluation, gate.comparison, gate.outputs, config.history);
}

function readRunFile(path: string, flag: string): RunResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`--${flag} ${path}: cannot read results (${(err as Error).message})`);
  }
  let run: RunResult;
  try {
    run = JSON.parse(text) as RunResult;
  } catch (err) {
    throw new Error(`--${flag} ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (run.schema !== RESULTS_SCHEMA) throw new Error(`--${flag} ${path}: schema "${String(run.schema)}", expected "${RESULTS_SCHEMA}"`);
  return run;
}

export async function noiseCommand(dirs: readonly string[], outFile: string): Promise<number> {
  const runs = dirs.map((d) => readRunFile(statSync(d).isDirectory() ? join(d, 'results.json') : d, 'in'));
  const markdown = renderNoise(noiseTable(runs));
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, markdown);
  console.log(markdown);
  return EXIT.pass;
}

export async function compareCommand(
  config: ActionConfig,
  opts: { baselinePath: string; currentPath: string; outDir: string; allowFingerprintMismatch: boolean },
): Promise<number> {
  const run = readRunFile(opts.currentPath, 'current');
  const store = new FileBaselineStore(opts.baselinePath);
  return finish(opts.outDir, run, { config, history: await store.read(), store, trusted: true, allowFingerprintMismatch: opts.allowFingerprintMismatch }, opts.baselinePath, config.history);
}

export async function aggregateCommand(
  config: ActionConfig,
  opts: { inDir: string; outDir: string; baselinePath: string | null; allowFingerprintMismatch: boolean },
): Promise<number> {
  const run = mergeShards(readShardResults(opts.inDir));
  const store = fileStore(opts.baselinePath);
  return finish(
    opts.outDir,
    run,
    store ? { config, history: await store.read(), store, trusted: true, allowFingerprintMismatch: opts.allowFingerprintMismatch } : null,
    opts.baselinePath,
    config.history,
  );
}
