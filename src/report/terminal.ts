import type { Comparison, RunResult } from '../types.ts';
import { formatNumber } from './format.ts';
import { changeText, engineSentences, gateGist } from './gist.ts';
import { readAll } from './reading.ts';

// The verdict for a terminal: the report's first screen in plain text (display names, no markdown
// escapes), then each regression on a line of its own.

const plain = (text: string): string => text;

export function terminalSummary(run: RunResult, comparison: Comparison, historyWindow?: number): string {
  const readings = readAll(comparison, historyWindow);
  const lines = [`gate: ${comparison.gate.passed ? 'passed' : 'FAILED'} — ${gateGist(comparison, readings)}`];
  for (const sentence of engineSentences(comparison, run, readings, plain)) lines.push(`  ${sentence}`);
  for (const { m, reading } of [...readings.values()].flat()) {
    if (reading.kind === 'regression') lines.push(`  regression: ${m.engine} · ${changeText(m, plain)} (tolerance ±${formatNumber(m.tolerance * 100)}%)`);
  }
  for (const v of comparison.sloViolations) lines.push(`  limit exceeded: ${v.engine} · ${v.scenario} · ${v.metric}: ${formatNumber(v.value)} against ${formatNumber(v.limit)}`);
  return lines.join('\n');
}
