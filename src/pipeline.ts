import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { logGate } from './dashboard/command.ts';
import { fileGatesStore, gatesPathFor } from './dashboard/publish.ts';
import { writeFileAtomicSync } from './fs/atomic-write.ts';
import { outputBytes, withOutFolder } from './out-folder.ts';
import { dirname, join } from 'node:path';
import { recordRun, removedBy, unrecordable, type BaselineDoc } from './baseline/history.ts';
import type { BaselineStore } from './baseline/store.ts';
import { FileBaselineStore } from './baseline/file-store.ts';
import { compare } from './compare/verdict.ts';
import type { ActionConfig } from './config/inputs.ts';
import { loadScenarioSet } from './config/scenarios.ts';
import { trackServers } from './engines/cancel.ts';
import { adapterFor } from './engines/registry.ts';
import { EXIT } from './exit.ts';
import { writeExports } from './export/write.ts';
import { makePromptBook, type PromptBook, type SynthesisProgress } from './load/prompt-book.ts';
import { RunCancelledError } from './load/runner.ts';
import { loadTokenizer, type Tokenizer } from './load/tokenizer.ts';
import { measure, type MeasureHooks } from './measure.ts';
import { maxRuns, runSequential, sequentialPlan } from './sequential.ts';
import { makePlan } from './plan.ts';
import { renderReport, type ReportInput } from './report/markdown.ts';
import { gateOutcome, missingBaselineFails, outcomeTitle, type GateOutcome, type MissingBaseline } from './report/outcome.ts';
import { noiseTable, renderNoise, renderShared } from './report/noise.ts';
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
  /** The baseline document was absent where this gate looked for it (baselineAbsence); null when it was there. */
  readonly missing: MissingBaseline | null;
}

const RECORDING_MODES = new Set(['baseline', 'schedule']);

/**
 * The run against the history read before it, at the confidence of a look where the run was
 * measured sequentially (so `compare` of its results.json judges it as the job did, and its
 * report advises the inputs of the sequential design).
 */
export function judge(run: RunResult, opts: EvaluateOptions, confidence = run.sequential?.lookConfidence ?? opts.config.confidence): Comparison {
  const comparison = compareRun(run, opts, confidence);
  return run.sequential ? { ...comparison, sequential: run.sequential } : comparison;
}

function compareRun(run: RunResult, opts: EvaluateOptions, confidence: number): Comparison {
  const { config } = opts;
  return compare(opts.history?.entries ?? [], run, {
    mode: config.mode,
    tolerances: config.tolerances,
    confidence,
    allowFingerprintMismatch: config.allowFingerprintMismatch,
    failOn: config.failOn,
    // `fail` wants a baseline for every engine; `auto` only where the store lost one it had.
    failOnMissingBaseline: config.missingBaseline === 'fail' || (opts.missing !== null && missingBaselineFails(opts.missing)),
    window: config.history,
    maxFailureRate: config.maxFailureRate,
    seed: run.seed,
  });
}

/**
 * The baseline document's absence, looked into before measuring: where it was expected and whether
 * the store was ever written. Null when it is there, and in mode baseline (which starts a history).
 */
export async function baselineAbsence(config: ActionConfig, store: BaselineStore, history: BaselineDoc | null): Promise<MissingBaseline | null> {
  if (history !== null || config.mode === 'baseline') return null;
  return { location: store.location, policy: config.missingBaseline, everWritten: await store.everWritten() };
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
  const { history, historyKeep } = opts.config;
  let removed = 0;
  await opts.store!.update((doc) => {
    const next = recordRun(doc, run, historyKeep, opts.config.maxFailureRate);
    removed = removedBy(doc, next).length;
    return next;
  });
  const pruned = removed === 0 ? 'nothing removed' : `removed the ${removed} oldest run(s) beyond history-keep ${historyKeep}`;
  return { recorded: true, recordNote: `recorded into the baseline history (compared against the last ${history} runs per key, ${historyKeep} kept; ${pruned})` };
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

/** Each file is replaced whole (atomic-write.ts), the measured results first: a full disk then loses the least. */
export function writeOutputs(outDir: string, run: RunResult, comparison: Comparison | null, report: string): Outputs {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new Error(`${outDir}: cannot create the out folder: ${(err as Error).message}`);
  }
  const resultsPath = join(outDir, 'results.json');
  const reportPath = join(outDir, 'report.md');
  writeFileAtomicSync(resultsPath, `${JSON.stringify(run, null, 2)}\n`);
  let comparisonPath: string | null = null;
  if (comparison) {
    comparisonPath = join(outDir, 'comparison.json');
    writeFileAtomicSync(comparisonPath, `${JSON.stringify(comparison, null, 2)}\n`);
  }
  writeFileAtomicSync(reportPath, report);
  writeExports(outDir, run);
  return { resultsPath, reportPath, comparisonPath };
}

export interface MeasureRunOptions {
  readonly seed: number;
  readonly keepRecords: boolean;
  readonly hooks: MeasureHooks;
  readonly source: RunResult['source'];
  readonly signal?: AbortSignal;
  /** Runs [from, to) of a job planned for `maxRuns(config)` runs; absent: the job's `runs`. */
  readonly runRange?: readonly [number, number];
  /** The job's prompts (jobPrompts) where several calls share them; absent: made here. */
  readonly prompts?: Promise<PromptBook>;
}

/**
 * Every pass's prompts (measured and warm-up) of a job of `runs` runs, sized with the engines'
 * tokenizer; with `range`, only those of runs [from, to) (a sequential job synthesizes each look's
 * runs when it measures them: most jobs stop after the first look, and 16 runs' prompts took 94 s
 * against 8.6 s for 2 on this project's CPU machine).
 */
export async function jobPrompts(config: ActionConfig, scenarios: ScenarioSet, runs: number, hooks: MeasureHooks, signal?: AbortSignal, range?: readonly [number, number], tokenizer?: Promise<Tokenizer>): Promise<PromptBook> {
  const tok = await (tokenizer ?? promptTokenizer(config, hooks));
  const [p, w] = [config.repetitions, config.warmupRepetitions];
  // The plan's measured passes come first (run r: r·p …), then the warm-ups (run r: runs·p + r·w …), as measure() indexes them.
  const passes = range
    ? [...Array.from({ length: (range[1] - range[0]) * p }, (_, i) => range[0] * p + i), ...Array.from({ length: (range[1] - range[0]) * w }, (_, i) => runs * p + range[0] * w + i)]
    : runs * (p + w);
  try {
    return await makePromptBook(scenarios.scenarios, passes, tok, signal, synthesisProgress(hooks));
  } catch (err) {
    if (!(err instanceof RunCancelledError)) throw err;
    // Cancelled before anything was measured: measure() sees the aborted signal and returns the
    // empty, partial run at once, never asking for a prompt.
    return { hash: '', get: () => { throw err; }, probe: () => Promise.reject(err) };
  }
}

export async function measureRun(config: ActionConfig, scenarios: ScenarioSet, opts: MeasureRunOptions): Promise<RunResult> {
  const runs = opts.runRange ? maxRuns(config) : config.runs;
  const prompts = opts.prompts ?? jobPrompts(config, scenarios, runs, opts.hooks, opts.signal);
  // Warm-up passes get prompts of their own (indices after the measured repetitions), so an
  // engine's prefix cache cannot carry them into the measured ones.
  // Every run of the job measures `repetitions` passes of its own (own prompts, own shuffled order).
  const plan = makePlan({ engines: config.engines, scenarios, repetitions: config.repetitions * runs, seed: opts.seed, shard: config.shard });
  // A sequential job's later looks measure the same plan: it was said once.
  if ((opts.runRange?.[0] ?? 0) === 0) opts.hooks.info(
    `plan: ${plan.units.length} scenario runs on ${config.engines.map((e) => e.label).join(', ')}, ` +
      `${config.runs > 1 ? `${config.runs} runs (engine starts) × ` : ''}${config.repetitions} repetitions ` +
      `(+${config.warmupRepetitions} unrecorded warm-up${config.runs > 1 ? ' per run' : ''}), ` +
      `${runs > config.runs ? `up to ${runs} runs while cells are undecided${config.timeBudgetS !== null ? ` within ${config.timeBudgetS} s` : ''}, ` : ''}` +
      `scenarios ${scenarios.file} (${scenarios.hash.slice(0, 12)})${plan.shard.count > 1 ? `, shard ${plan.shard.index}/${plan.shard.count}` : ''}`,
  );
  return measure({
    plan,
    scenarios,
    model: config.model,
    prompts: await prompts,
    warmupRepetitions: config.warmupRepetitions,
    warmStart: config.warmStart,
    runs,
    runRange: opts.runRange,
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
  readonly hooks: MeasureHooks;
  /** Aborted on cancellation: the current engine is stopped and the run ends partial. */
  readonly signal?: AbortSignal;
  readonly source: RunResult['source'];
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
  /** How the gate went, in the words every door uses (title, output, annotations, exit status). */
  readonly outcome: GateOutcome;
  readonly report: string;
  readonly outputs: Outputs;
}

/** How to judge and record a run against `store` (null without one, and for a shard: the aggregate job judges the matrix once). */
async function evaluationFor(config: ActionConfig, store: BaselineStore | null, trusted: boolean): Promise<EvaluateOptions | null> {
  if (config.shard.count > 1 || store === null) return null;
  const history = await store.read();
  return { config, history, store, trusted, missing: await baselineAbsence(config, store, history) };
}

/** Judges the run, settles the outcome, renders the report and writes the files: the common end of every gate. */
function conclude(
  run: RunResult,
  config: ActionConfig,
  evaluation: EvaluateOptions | null,
  outDir: string,
  report: GateOptions['report'],
  // A sequential job's last look already judged the run.
  judged: Comparison | null = evaluation ? judge(run, evaluation) : null,
): Omit<GateRun, 'run' | 'evaluation'> {
  const comparison = judged;
  const outcome = gateOutcome({ run, comparison, failOn: config.failOn, missingBaseline: config.missingBaseline, missing: evaluation?.missing, shard: config.shard });
  const text = renderReport({ run, comparison, outcome, ...report });
  return { comparison, outcome, report: text, outputs: writeOutputs(outDir, run, comparison, text) };
}

export async function runGate(opts: GateOptions): Promise<GateRun> {
  const { config } = opts;
  const evaluation = await evaluationFor(config, opts.store, opts.trusted);
  if (evaluation) await checkRecordable(evaluation);
  const scenarios = config.mode === 'aggregate' ? null : loadScenarioSet(config.scenarios);
  return withOutFolder(opts.outDir, outputBytes(keptRecords(config, scenarios, opts.keepRecords)), async () => {
    const measureOpts = { seed: config.seed, keepRecords: opts.keepRecords, hooks: opts.hooks, signal: opts.signal, source: opts.source };
    const plan = sequentialPlan(config);
    // With no history there is nothing for more runs to settle: the job measures its `runs` once.
    if (scenarios !== null && plan && evaluation?.history) {
      // Each look's runs get their prompts when measured, sized with one tokenizer loaded once.
      let tokenizer: Promise<Tokenizer> | undefined;
      const { run, comparison } = keptOnly(
        await runSequential(plan, {
          // Records stay in memory between looks: the pooled summaries of the merged run are pooled from them.
          measure: (from, to) => measureRun(config, scenarios, { ...measureOpts, keepRecords: true, runRange: [from, to], prompts: jobPrompts(config, scenarios, maxRuns(config), opts.hooks, opts.signal, [from, to], (tokenizer ??= promptTokenizer(config, opts.hooks))) }),
          judge: (r, confidence) => judge(r, evaluation, confidence),
          now: () => performance.now() / 1000,
          info: opts.hooks.info,
        }),
        opts.keepRecords,
      );
      return { run, evaluation, ...conclude(run, config, evaluation, opts.outDir, opts.report, comparison) };
    }
    const run = scenarios === null ? mergeShards(readShardResults(config.resultsDir)) : await measureRun(config, scenarios, measureOpts);
    return { run, evaluation, ...conclude(run, config, evaluation, opts.outDir, opts.report) };
  });
}

function keptOnly<T extends { run: RunResult }>(out: T, keepRecords: boolean): T {
  return keepRecords ? out : { ...out, run: { ...out.run, engines: out.run.engines.map(({ records: _records, ...e }) => e) } };
}

/** Request records results.json will hold: every measured request when they are kept (and in shards), else none. */
function keptRecords(config: ActionConfig, scenarios: ScenarioSet | null, keepRecords: boolean): number {
  if (scenarios === null || !(keepRecords || config.shard.count > 1)) return 0;
  return scenarios.scenarios.reduce((n, s) => n + s.requests, 0) * maxRuns(config) * config.repetitions * config.engines.length;
}

/** Synthesis that takes seconds says how far it got, every PROMPT_PROGRESS_MS, so a large plan never looks hung. */
const PROMPT_PROGRESS_MS = 5_000;

function synthesisProgress(hooks: MeasureHooks): SynthesisProgress {
  let last = performance.now();
  return (done, total) => {
    if (performance.now() - last < PROMPT_PROGRESS_MS) return;
    last = performance.now();
    hooks.info(`preparing prompts: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} (${Math.floor((100 * done) / total)}%)`);
  };
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

/** Exit status of a finished gate: a failed one is 3, never 1, so scripts can tell it from an error. */
export function exitCode(outcome: GateOutcome): number {
  return outcome.failed ? EXIT.gateFailed : EXIT.pass;
}

/**
 * Judges and writes the files, then records the baseline (where `evaluation` says): in that
 * order, so a baseline write that fails leaves what was measured on disk.
 */
async function finish(config: ActionConfig, outDir: string, run: RunResult, evaluation: EvaluateOptions | null, baselinePath: string | null): Promise<number> {
  const record = { resultsPath: join(outDir, 'results.json'), baselinePath };
  const gate = await withOutFolder(outDir, outputBytes(0), async () => ({ run, evaluation, ...conclude(run, config, evaluation, outDir, { historyWindow: config.history, record }) }));
  return settle(gate, config.history);
}

/** The CLI's end of a gate: the files named, the baseline recorded (after them), the verdict printed. */
async function settle(gate: GateRun, historyWindow: number): Promise<number> {
  const { run, evaluation, comparison, outcome, outputs: out } = gate;
  for (const e of run.engines.filter((x) => x.status !== 'ok')) console.error(`${e.engine} failed: ${e.error}`);
  console.log(`results: ${out.resultsPath}\nreport:  ${out.reportPath}${out.comparisonPath ? `\ncomparison: ${out.comparisonPath}` : ''}`);
  if (evaluation) console.log(`baseline: ${(await recordBaseline(run, evaluation)).recordNote}`);
  // The gate log beside the baseline file, where `mark-false-alarm` finds it.
  if (evaluation && comparison && evaluation.store instanceof FileBaselineStore && (await logGate(fileGatesStore(evaluation.store.path), run, comparison, { pr: null, reportUrl: null }))) {
    console.log(`gate log: ${gatesPathFor(evaluation.store.path)}`);
  }
  if (comparison) console.log(terminalSummary(run, comparison, historyWindow, outcome));
  else console.log(outcomeTitle(outcome, 'gate'));
  return exitCode(outcome);
}

export async function runCommand(
  config: ActionConfig,
  opts: {
    baselinePath: string | null;
    keepRecords: boolean;
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
    hooks: { ...opts.hooks, onSpawn: servers.onSpawn, onStopped: servers.onStopped },
    signal: servers.signal,
    source: { sha: null, ref: null, event: 'cli' },
    keepRecords: opts.keepRecords,
    outDir: config.resultsDir,
    report: { historyWindow: config.history, record: { resultsPath: join(config.resultsDir, 'results.json'), baselinePath: opts.baselinePath } },
  });
  return settle(gate, config.history);
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

/** A results file, or a folder holding one results.json (a run's --out folder), as --FLAG names it. */
function readRunAt(path: string, flag: string): RunResult {
  return readRunFile(statSync(path).isDirectory() ? join(path, 'results.json') : path, flag);
}

export async function noiseCommand(dirs: readonly string[], outFile: string): Promise<number> {
  const runs = dirs.map((d) => readRunAt(d, 'in'));
  const { rows, shared, leftOut } = noiseTable(runs, dirs);
  for (const note of leftOut) console.error(`noise: left out ${note}`);
  if (rows.length === 0) throw new Error(`noise: --in ${dirs.join(',')}: no complete engine start to measure noise from (each start needs every repetition its job asked for)`);
  const markdown = renderNoise(rows) + renderShared(shared);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileAtomicSync(outFile, markdown);
  console.log(markdown);
  return EXIT.pass;
}

export async function compareCommand(config: ActionConfig, opts: { baselinePath: string; currentPath: string; outDir: string }): Promise<number> {
  const run = readRunAt(opts.currentPath, 'current');
  return finish(config, opts.outDir, run, await evaluationFor(config, new FileBaselineStore(opts.baselinePath), true), opts.baselinePath);
}

export async function aggregateCommand(config: ActionConfig, opts: { inDir: string; outDir: string; baselinePath: string | null }): Promise<number> {
  const run = mergeShards(readShardResults(opts.inDir));
  return finish(config, opts.outDir, run, await evaluationFor(config, opts.baselinePath ? new FileBaselineStore(opts.baselinePath) : null, true), opts.baselinePath);
}
