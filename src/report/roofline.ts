import type { RunResult, Scenario } from '../types.ts';
import { details, join, table } from './blocks.ts';
import { escapeCell, escapeHtml, escapeInline } from './escape.ts';
import { formatFraction, formatNumber } from './format.ts';

// Single-stream decoding against the memory-bandwidth bound (metrics/roofline.ts): tokens/s as a
// share of the bound, and where each token's time goes — the unavoidable weight read versus
// everything else the engine spends per token.

/** The scenario that measures single-stream decoding: concurrency 1, shortest prompts. */
function singleStream(definitions: readonly Scenario[]): Scenario | null {
  const mid = (s: Scenario): number => (s.input.kind === 'fixed' ? s.input.tokens : s.input.kind === 'uniform' ? (s.input.min + s.input.max) / 2 : s.input.mean);
  const candidates = definitions.filter((s) => s.load.kind === 'concurrency' && s.load.concurrency === 1);
  return candidates.sort((a, b) => mid(a) - mid(b))[0] ?? null;
}

export function renderRoofline(run: RunResult): string | null {
  const bound = run.roofline;
  const scenario = singleStream(run.scenarioSet.definitions);
  if (!bound || !scenario) return null;
  const boundMs = 1000 / bound.boundTokensPerS;
  const rows = run.engines.flatMap((e) => {
    const s = e.pooled.find((p) => p.scenario === scenario.name);
    if (!s || s.tpotMs.n === 0 || s.tpotMs.p50 <= 0) return [];
    const tokensPerS = 1000 / s.tpotMs.p50;
    return [[
      e.engine,
      formatNumber(tokensPerS),
      formatFraction(tokensPerS / bound.boundTokensPerS),
      formatNumber(s.tpotMs.p50),
      formatNumber(boundMs),
      formatNumber(s.tpotMs.p50 - boundMs),
    ]];
  });
  if (rows.length === 0) return null;
  const gist = rows.map((r) => `${r[0]} ${r[1]} tokens/s = ${r[2]}`).join(', ');
  return details(
    `Roofline, single-stream decoding: ${escapeHtml(gist)} of the ${formatNumber(bound.boundTokensPerS)} tokens/s bound`,
    join(`${escapeInline(bound.gpu)}: ${formatNumber(bound.bandwidthGBs)} GB/s ÷ ${formatNumber(bound.weightBytes / 1e9)} GB of weights = at most ` +
      `${formatNumber(bound.boundTokensPerS)} tokens/s (${formatNumber(boundMs)} ms per token) for one stream. Measured in \`${escapeInline(scenario.name)}\` (TPOT p50).`,
    table(
      ['Engine', 'Decode tokens/s', 'Share of bound', 'ms per token', 'of which weight reads (bound)', 'other per-token time'],
      rows.map(([engine, ...rest]) => [escapeCell(engine), ...rest]),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  ));
}
