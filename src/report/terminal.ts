import type { Comparison, RunResult } from '../types.ts';
import { formatNumber } from './format.ts';
import { changeText, cliFlag, engineSentences, noiseLine } from './gist.ts';
import { gateOutcome, missingBaselineText, outcomeTitle, type GateOutcome } from './outcome.ts';
import { readAll } from './reading.ts';
import { sequentialLine } from './sequential.ts';

// The verdict for a terminal: the report's first screen in plain text (display names, no markdown
// escapes), then each missing result and regression on a line of its own.

const plain = (text: string): string => text;

/** `outcome` as the report's title says it; without it, the outcome under the default policy (fail-on regression). */
export function terminalSummary(run: RunResult, comparison: Comparison, historyWindow?: number, outcome?: GateOutcome): string {
  const readings = readAll(comparison);
  const o = outcome ?? gateOutcome({ run, comparison, failOn: 'regression' });
  const lines = [outcomeTitle(o, 'gate')];
  if (o.missing) lines.push(`  ${missingBaselineText(o.missing)}`);
  const sentences = engineSentences(comparison, run, readings, { esc: plain, input: cliFlag, window: historyWindow });
  comparison.engines.forEach((e, i) => {
    lines.push(`  ${sentences[i]}`);
    const noise = noiseLine(e);
    if (noise) lines.push(`    ${noise}`);
  });
  if (run.sequential) lines.push(`  ${sequentialLine(run.sequential)}`);
  const said = new Set<string>();
  for (const { m, reading } of [...readings.values()].flat()) {
    if (reading.kind === 'regression') lines.push(`  regression: ${m.engine} · ${changeText(m, plain)} (tolerance ±${formatNumber(m.tolerance * 100)}%)`);
    const error = `  no result: ${m.engine} · ${m.scenario}: ${m.error ?? 'no valid value'}`;
    if (reading.kind === 'error' && !said.has(error)) lines.push(error);
    said.add(error);
  }
  for (const v of comparison.sloViolations) lines.push(`  limit exceeded: ${v.engine} · ${v.scenario} · ${v.metric}: ${v.below ? '< ' : ''}${formatNumber(v.value)} against ${formatNumber(v.limit)}`);
  return lines.join('\n');
}
