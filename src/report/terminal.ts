import type { Comparison, RunResult } from '../types.ts';
import { formatNumber } from './format.ts';
import { changeText, cliFlag, engineSentences, gateGist, noiseLine } from './gist.ts';
import { readAll } from './reading.ts';
import { cancelledBeforeEngines, CANCELLED_GIST } from './cancelled.ts';

// The verdict for a terminal: the report's first screen in plain text (display names, no markdown
// escapes), then each missing result and regression on a line of its own.

const plain = (text: string): string => text;

export function terminalSummary(run: RunResult, comparison: Comparison, historyWindow?: number): string {
  if (cancelledBeforeEngines(run)) return `gate: ${CANCELLED_GIST}`;
  const readings = readAll(comparison);
  const lines = [`gate: ${comparison.gate.passed ? 'passed' : 'FAILED'} — ${gateGist(comparison, readings)}`];
  const sentences = engineSentences(comparison, run, readings, { esc: plain, input: cliFlag, window: historyWindow });
  comparison.engines.forEach((e, i) => {
    lines.push(`  ${sentences[i]}`);
    const noise = noiseLine(e);
    if (noise) lines.push(`    ${noise}`);
  });
  const said = new Set<string>();
  for (const { m, reading } of [...readings.values()].flat()) {
    if (reading.kind === 'regression') lines.push(`  regression: ${m.engine} · ${changeText(m, plain)} (tolerance ±${formatNumber(m.tolerance * 100)}%)`);
    const error = `  no result: ${m.engine} · ${m.scenario}: ${m.error ?? 'no valid value'}`;
    if (reading.kind === 'error' && !said.has(error)) lines.push(error);
    said.add(error);
  }
  for (const v of comparison.sloViolations) lines.push(`  limit exceeded: ${v.engine} · ${v.scenario} · ${v.metric}: ${formatNumber(v.value)} against ${formatNumber(v.limit)}`);
  return lines.join('\n');
}
