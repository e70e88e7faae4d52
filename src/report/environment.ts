import type { Comparison, EngineResult, Fingerprint, RunResult } from '../types.ts';
import { details, join, table } from './blocks.ts';
import { codeCell, escapeCell, escapeInline } from './escape.ts';
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
  ['Server start-up', (_f, e) => startupCell(e)],
];

function startupCell(e: EngineResult): string {
  if (e.startupS === null) return MISSING;
  const cold = `${formatNumber(e.startupS)} s`;
  return typeof e.warmStartupS === 'number' ? `cold ${cold}, warm ${formatNumber(e.warmStartupS)} s` : cold;
}

function oneLine(f: Fingerprint): string {
  const gpu = f.gpu ? `${f.gpu.count > 1 ? `${f.gpu.count}× ` : ''}${f.gpu.name} (driver ${f.gpu.driver}, CUDA ${f.gpu.cuda})` : 'no GPU';
  return escapeInline([gpu, f.torch ? `torch ${f.torch}` : null, f.python ? `Python ${f.python}` : null, f.model.id].filter(Boolean).join(' · '));
}

/** The fingerprint of each engine, with what differs from its baseline's shown first. */
export function renderEnvironment(run: RunResult, comparison: Comparison | null): string | null {
  if (run.engines.length === 0) return null;
  const diffs = (comparison?.engines ?? []).flatMap((e) => e.fingerprintDiffs.map((d) => ({ engine: e.engine, ...d })));
  const diffBlock = diffs.length
    ? join(
        '> [!NOTE]\n> The environment differs from the baseline\'s; a change below may come from it rather than from the code.',
        table(
          ['Engine', 'Field', 'Baseline', 'Current'],
          diffs.map((d) => [escapeCell(d.engine), escapeCell(d.field), codeCell(d.baseline), codeCell(d.current)]),
        ),
      )
    : comparison?.engines.some((e) => e.baselineRuns > 0)
      ? 'Same environment as the baseline.'
      : null;
  return join(
    '### Environment',
    oneLine(run.engines[0].fingerprint),
    diffBlock,
    details(
      'Full environment fingerprint',
      table(
        ['', ...run.engines.map((e) => escapeCell(e.engine))],
        FIELDS.map(([label, read]) => [label, ...run.engines.map((e) => read(e.fingerprint, e))]),
      ),
    ),
  );
}
