import type { Comparison, EngineResult, Fingerprint, RunResult } from '../types.ts';
import { details, join, table } from './blocks.ts';
import { codeCell, escapeCell, escapeHtml } from './escape.ts';
import { formatMiB, formatNumber, MISSING } from './format.ts';

// Where the numbers were measured, and what differs from where the baseline was measured: a new
// driver or engine version explains a change as well as the code under review can.

const FIELDS: readonly (readonly [string, (f: Fingerprint, e: EngineResult) => string])[] = [
  ['GPU', (f) => (f.gpu ? escapeCell(`${f.gpu.name} ×${f.gpu.count}, `) + formatMiB(f.gpu.memoryMiB) : MISSING)],
  ['Driver / CUDA', (f) => (f.gpu ? escapeCell(`${f.gpu.driver} / ${f.gpu.cuda}`) : MISSING)],
  ['CPU', (f) => escapeCell(f.cpu)],
  ['Engine', (f) => escapeCell(`${f.engine.name} ${f.engine.version}`)],
  ['torch', (f) => (f.torch ? escapeCell(f.torch) : MISSING)],
  ['transformers', (f) => (f.transformers ? escapeCell(f.transformers) : MISSING)],
  ['Python', (f) => (f.python ? escapeCell(f.python) : MISSING)],
  ['Model', (f) => escapeCell(f.model.id) + (f.model.configHash ? ` (config ${codeCell(f.model.configHash.slice(0, 12))})` : '')],
  ['Engine arguments', (f) => (f.engineArgs.length ? codeCell(f.engineArgs.join(' ')) : MISSING)],
  ['Action', (f) => escapeCell(f.actionVersion)],
  ['Output token counts', (f) => (f.tokenCounts === 'estimated' ? 'estimated from the streamed chunks (the server sent no usage)' : f.tokenCounts === 'exact' ? "the server's usage" : MISSING)],
  ['Server start-up', (_f, e) => startupCell(e)],
];

function startupCell(e: EngineResult): string {
  // An endpoint someone else runs: its lifecycle, and the GPU state before it started, are not ours to know.
  if (e.external) return 'not ours: the endpoint was already running (no start-up time, no GPU memory check before start)';
  if (e.startupS === null) return MISSING;
  const cold = `${formatNumber(e.startupS)} s`;
  return typeof e.warmStartupS === 'number' ? `cold ${cold}, warm ${formatNumber(e.warmStartupS)} s` : cold;
}

function oneLine(f: Fingerprint): string {
  const gpu = f.gpu ? `${f.gpu.count > 1 ? `${f.gpu.count}× ` : ''}${f.gpu.name} (driver ${f.gpu.driver}, CUDA ${f.gpu.cuda})` : 'no GPU';
  return [gpu, f.torch ? `torch ${f.torch}` : null, f.python ? `Python ${f.python}` : null, f.model.id].filter(Boolean).join(' · ');
}

/** What differs from the baseline's environment, shown outside the collapsed block; null when nothing does. */
export function renderFingerprintNote(comparison: Comparison): string | null {
  const diffs = comparison.engines.flatMap((e) => e.fingerprintDiffs.map((d) => ({ engine: e.engine, ...d })));
  if (diffs.length === 0) return null;
  return join(
    "> [!NOTE]\n> The environment differs from the baseline's; a change may come from it rather than from the code.",
    table(
      ['Engine', 'Field', 'Baseline', 'Current'],
      diffs.map((d) => [escapeCell(d.engine), escapeCell(d.field), codeCell(d.baseline), codeCell(d.current)]),
    ),
  );
}

/** The fingerprint of each engine, collapsed under a one-line summary; rows no engine has are left out. */
export function renderEnvironment(run: RunResult, comparison: Comparison | null): string | null {
  if (run.engines.length === 0) return null;
  const same = comparison?.engines.some((e) => e.baselineRuns > 0) && comparison.engines.every((e) => e.fingerprintDiffs.length === 0);
  const rows = FIELDS.map(([label, read]) => [label, ...run.engines.map((e) => read(e.fingerprint, e))]).filter((row) => row.slice(1).some((c) => c !== MISSING));
  return details(
    `Environment: ${escapeHtml(oneLine(run.engines[0].fingerprint))}${same ? ' · same as the baseline' : ''}`,
    table(['', ...run.engines.map((e) => escapeCell(e.engine))], rows),
  );
}
