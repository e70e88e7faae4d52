import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fingerprintDiffs } from './baseline/fingerprint-diff.ts';
import { poolRepetitions } from './metrics/pool.ts';
import { makePlan, type EngineSelection } from './plan.ts';
import type { EngineResult, RepetitionResult, RequestRecord, RunResult } from './types.ts';
import { RESULTS_SCHEMA } from './types.ts';

// Joining the results of a matrix's shards into the run a single runner would have produced.
// The plan is re-derived from the shards' own inputs (seed, scenario set, repetitions, engines),
// so a missing or duplicated unit of work is found and named, not silently averaged away.

export interface ShardFile {
  readonly path: string;
  readonly run: RunResult;
}

/** Every results.json below `dir` (artifact downloads nest one folder per shard). */
export function readShardResults(dir: string): ShardFile[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      // aggregate/ holds an earlier aggregation's own output, not a shard.
      if (statSync(p).isDirectory()) {
        if (!(d === dir && name === 'aggregate')) walk(p);
      }
      else if (name === 'results.json') files.push(p);
    }
  };
  try {
    walk(dir);
  } catch (err) {
    throw new Error(`aggregate: cannot read shard results under ${dir}: ${(err as Error).message}`);
  }
  if (files.length === 0) throw new Error(`aggregate: no results.json found under ${dir}`);
  return files.sort().map((path) => {
    let run: RunResult;
    try {
      run = JSON.parse(readFileSync(path, 'utf8')) as RunResult;
    } catch (err) {
      throw new Error(`aggregate: ${path}: not valid JSON (${(err as Error).message})`);
    }
    if (run.schema !== RESULTS_SCHEMA) throw new Error(`aggregate: ${path}: schema "${String(run.schema)}", expected "${RESULTS_SCHEMA}"`);
    return { path: relative(process.cwd(), path) || path, run };
  });
}

function sameRun(a: ShardFile, b: ShardFile): void {
  const fields: [string, (r: RunResult) => unknown][] = [
    ['scenario set hash', (r) => r.scenarioSet.hash],
    ['model', (r) => r.model],
    ['repetitions', (r) => r.repetitions],
    ['runs', (r) => r.runs ?? 1],
    ['seed', (r) => r.seed],
    ['shard count', (r) => r.shard?.count ?? 1],
    ['commit', (r) => r.source.sha],
  ];
  for (const [name, get] of fields) {
    if (get(a.run) !== get(b.run)) {
      throw new Error(`aggregate: ${b.path} is not part of the same run as ${a.path}: ${name} ${JSON.stringify(get(b.run))} ≠ ${JSON.stringify(get(a.run))}`);
    }
  }
}

function checkShardSet(shards: readonly ShardFile[]): void {
  const count = shards[0].run.shard?.count ?? 1;
  const byIndex = new Map<number, ShardFile>();
  for (const s of shards) {
    sameRun(shards[0], s);
    const index = s.run.shard?.index ?? 1;
    const other = byIndex.get(index);
    if (other) throw new Error(`aggregate: duplicate shard ${index}/${count}: ${other.path} and ${s.path}`);
    byIndex.set(index, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) throw new Error(`aggregate: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} (found ${[...byIndex.keys()].sort((x, y) => x - y).map((i) => `${i}/${count}`).join(', ')})`);
}

/** Each shard started its own engine: the slowest start stands for the merged run; null if none got ready. */
function slowest(startups: readonly (number | null | undefined)[]): number | null {
  const known = startups.filter((s): s is number => typeof s === 'number');
  return known.length ? Math.max(...known) : null;
}

function mergeEngine(label: string, parts: readonly { shard: ShardFile; engine: EngineResult }[], run: RunResult): EngineResult {
  const first = parts[0];
  for (const p of parts.slice(1)) {
    const diffs = fingerprintDiffs(first.engine.fingerprint, p.engine.fingerprint);
    if (diffs.length) {
      throw new Error(`aggregate: ${label} ran on incompatible setups in ${first.shard.path} and ${p.shard.path}: ${diffs.map((d) => `${d.field} ${d.baseline} ≠ ${d.current}`).join('; ')}`);
    }
    if (!p.engine.records && p.engine.status === 'ok') throw new Error(`aggregate: ${p.shard.path}: ${label} has no per-request records; shards must keep them to be pooled`);
  }
  const byRep = new Map<number, RepetitionResult['scenarios'][number][]>();
  const runOf = new Map<number, number>();
  for (const p of parts) {
    for (const rep of p.engine.repetitions) {
      byRep.set(rep.index, [...(byRep.get(rep.index) ?? []), ...rep.scenarios]);
      if (rep.run !== undefined) runOf.set(rep.index, rep.run);
    }
  }
  const plan = makePlan({ engines: [{ kind: first.engine.kind, label } as EngineSelection], scenarios: { file: run.scenarioSet.file, hash: run.scenarioSet.hash, scenarios: run.scenarioSet.definitions }, repetitions: plannedRepetitions(run), seed: run.seed });
  const repetitions: RepetitionResult[] = [...byRep.keys()].sort((a, b) => a - b).map((index) => {
    const order = plan.orders[index];
    const got = byRep.get(index)!;
    const r = runOf.get(index);
    return { index, ...(r !== undefined ? { run: r } : {}), order, scenarios: order.map((name) => got.find((s) => s.scenario === name)).filter((s) => s !== undefined) };
  });
  const failed = parts.find((p) => p.engine.status !== 'ok');
  const records: RequestRecord[] = parts.flatMap((p) => p.engine.records ?? []);
  return {
    engine: label,
    kind: first.engine.kind,
    status: failed ? 'failed' : 'ok',
    error: failed ? `${failed.shard.path}: ${failed.engine.error}` : null,
    logTail: failed?.engine.logTail ?? null,
    fingerprint: first.engine.fingerprint,
    startupS: slowest(parts.map((p) => p.engine.startupS)),
    warmStartupS: slowest(parts.map((p) => p.engine.warmStartupS)),
    repetitions,
    pooled: poolRepetitions(repetitions, records, run.scenarioSet.definitions),
    records,
    ...mergedMemory(parts.map((p) => p.engine)),
  };
}

/** Every shard's engine starts keep the KV cache each set aside; the memory budget is the job's, one for all shards. */
function mergedMemory(engines: readonly EngineResult[]): Pick<EngineResult, 'kvCache' | 'memoryBudgetMiB'> {
  const budget = engines[0].memoryBudgetMiB;
  return {
    ...(engines.some((e) => e.kvCache) ? { kvCache: engines.flatMap((e) => e.kvCache ?? []) } : {}),
    ...(budget !== undefined ? { memoryBudgetMiB: budget } : {}),
  };
}

/** Repetitions the plan held: every run (engine start) of the job measured `repetitions` of its own. */
function plannedRepetitions(run: RunResult): number {
  return run.repetitions * (run.runs ?? 1);
}

/** One RunResult from a complete, consistent set of shard results. */
export function mergeShards(shards: readonly ShardFile[]): RunResult {
  checkShardSet(shards);
  const base = shards[0].run;
  const labels = [...new Set(shards.flatMap((s) => s.run.engines.map((e) => e.engine)))];
  const engines = labels.map((label) =>
    mergeEngine(
      label,
      shards.flatMap((shard) => shard.run.engines.filter((e) => e.engine === label).map((engine) => ({ shard, engine }))),
      base,
    ),
  );
  // Every planned unit must have been measured exactly once across the shards.
  const counted = new Map<string, number>();
  for (const e of engines) for (const r of e.repetitions) for (const s of r.scenarios) counted.set(`${e.engine}/${r.index}/${s.scenario}`, (counted.get(`${e.engine}/${r.index}/${s.scenario}`) ?? 0) + 1);
  const ok = engines.every((e) => e.status === 'ok');
  if (ok) {
    const missing: string[] = [];
    for (const e of engines) for (let r = 0; r < plannedRepetitions(base); r++) for (const n of base.scenarioSet.names) if (counted.get(`${e.engine}/${r}/${n}`) !== 1) missing.push(`${e.engine} repetition ${r + 1} ${n} (${counted.get(`${e.engine}/${r}/${n}`) ?? 0} times)`);
    if (missing.length) throw new Error(`aggregate: the shards do not cover the plan exactly once: ${missing.slice(0, 10).join('; ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`);
  }
  const { shard: _shard, ...rest } = base;
  return {
    ...rest,
    createdAt: shards.map((s) => s.run.createdAt).sort().at(-1)!,
    scenarioSet: { ...base.scenarioSet, promptHash: base.scenarioSet.promptHash },
    partial: !ok || shards.some((s) => s.run.partial),
    engines,
  };
}
