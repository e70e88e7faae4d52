import type { RunResult } from '../types.ts';
import { escapeInline } from './escape.ts';
import { formatNumber } from './format.ts';

// Throughput and TPOT count the tokens an engine generated. An engine that stopped before
// max_tokens (at an end-of-sequence token; `transformers serve` takes no `ignore_eos`) did less
// work than its scenario asks, and its figures are not token for token those of an engine that
// was made to go on: say where, so a short answer is never read as a speed-up.

/** A note naming the engine × scenario pairs with requests shorter than asked; null when none. */
export function renderShortOutputs(run: RunResult): string | null {
  const lines = run.engines.flatMap((e) =>
    e.pooled
      .filter((s) => (s.shortOutputs ?? 0) > 0)
      .map(
        (s) =>
          `> - ${escapeInline(e.engine)} · ${escapeInline(s.scenario)}: ${s.shortOutputs} of ${s.completed} completed requests ` +
          `(${formatNumber(s.outputTokens / s.completed)} output tokens per request on average)`,
      ),
  );
  if (lines.length === 0) return null;
  return [
    '> [!NOTE]',
    '> Some requests ended before their `max_tokens` (the engine stopped at an end-of-sequence token); throughput and TPOT count the tokens generated.',
    ...lines,
  ].join('\n');
}
