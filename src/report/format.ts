// Number formatting for reports: a few significant digits, thousands separators for large values,
// and one sign for "no value" so a missing figure never reads as zero.

import { contrastBasis } from '../compare/cells.ts';
import { mean } from '../compare/stats.ts';
import type { MetricComparison, RunResult } from '../types.ts';

export const MISSING = '—';

type Maybe = number | null | undefined;

function present(x: Maybe): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** `digits` significant digits (812, 81.2, 8.12, 0.0812); whole numbers with separators from 10^digits up. */
export function formatNumber(x: Maybe, digits = 3): string {
  if (!present(x)) return MISSING;
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  if (abs < 1e-3) return x.toExponential(digits - 1);
  return String(Number(x.toPrecision(digits)));
}

/** A ratio current/baseline as a signed change: 1.121 → "+12.1%", 0.9 → "−10.0%". */
export function formatChange(ratio: Maybe): string {
  if (!present(ratio)) return MISSING;
  const pct = (ratio - 1) * 100;
  const text = Math.abs(pct) >= 100 ? Math.abs(pct).toFixed(0) : Math.abs(pct).toFixed(1);
  if (Number(text) === 0) return '±0.0%';
  return `${pct > 0 ? '+' : '−'}${text}%`;
}

/** A confidence interval of a ratio as changes: "[+8.3%, +16.0%]". */
export function formatInterval(ci: readonly [number, number] | null | undefined): string {
  return ci ? `[${formatChange(ci[0])}, ${formatChange(ci[1])}]` : MISSING;
}

/** A change and its interval, followed, when the verdict came from the cell's contrast, by that contrast. */
export function changeWithContrast(m: MetricComparison): string {
  if (m.censored) return censoredChange(m, m.censored.kind);
  const own = `${formatChange(m.ratio)} ${formatInterval(m.ci)}`;
  return m.contrast?.decided ? `${own}; ${formatChange(m.contrast.ratio)} ${formatInterval(m.contrast.ci)} against ${contrastBasis(m.scenario)}` : own;
}

/** A p-value: two significant digits, "<0.001" below that. */
export function formatP(p: Maybe): string {
  if (!present(p)) return MISSING;
  return p < 0.001 ? '<0.001' : String(Number(p.toPrecision(2)));
}

/** How many times one figure is better than another: "×4.98". */
export function formatTimes(x: Maybe): string {
  return present(x) ? `×${formatNumber(x)}` : MISSING;
}

/** A fraction as a percentage: 0.83 → "83%". */
export function formatFraction(x: Maybe): string {
  return present(x) ? `${formatNumber(x * 100)}%` : MISSING;
}

/** Memory from MiB: "21.8 GiB", "512 MiB". */
export function formatMiB(mib: Maybe): string {
  if (!present(mib)) return MISSING;
  return mib >= 1024 ? `${formatNumber(mib / 1024)} GiB` : `${formatNumber(mib)} MiB`;
}

/** Geometric mean (the centre the comparisons take ratios of), or null for no values or any value ≤ 0. */
export function geometricMean(xs: readonly number[]): number | null {
  if (xs.length === 0 || !xs.every((x) => x > 0)) return null;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

// Values are shown as geometric means, the statistic the ratio is taken of. Zeros (an idle
// queue) have no geometric mean; the arithmetic mean stands in there.
function centre(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : (geometricMean(xs) ?? mean(xs));
}

/** The centre of values of which some may be bounds (a capacity below the lowest load tried): "< x" bounds the geometric mean then. */
export function centreText(xs: readonly number[], below: readonly boolean[] | undefined): string {
  return `${below?.some((b) => b) ? '< ' : ''}${formatNumber(centre(xs))}`;
}

/**
 * A capacity's baseline and current with their unit, which its change alone does not say
 * (" (76.1 → < 0.5 req/s)"); empty for every other metric, whose unit the change needs not.
 * `esc` makes the unit (read from a comparison file) safe for where the text goes.
 */
export function capacityFigures(m: MetricComparison, esc: (text: string) => string): string {
  if (m.metric !== 'capacity' || m.baseline.length === 0 || m.current.length === 0) return '';
  return ` (${centreText(m.baseline, m.censored?.baseline)} → ${centreText(m.current, m.censored?.current)}${m.unit ? ` ${esc(m.unit)}` : ''})`;
}

/** The first seven characters of a commit, the way GitHub shows it. */
export function shortSha(sha: string | null | undefined): string | null {
  return sha ? sha.slice(0, 7) : null;
}

/** "2 runs × 3 repetitions" where the job had several engine starts, else "3 repetitions". */
export function passesText(run: RunResult): string {
  const runs = run.runs ?? 1;
  return `${runs > 1 ? `${runs} runs × ` : ''}${run.repetitions} repetition${run.repetitions === 1 ? '' : 's'}`;
}

/** The change of a capacity cell with values below the lowest load tried: what its bounds allow (compare/censored.ts). */
function censoredChange(m: MetricComparison, kind: NonNullable<MetricComparison['censored']>['kind']): string {
  const at = m.ratio === null ? 'no estimate' : formatChange(m.ratio);
  if (kind === 'at-most') return `${at} or lower (current below the lowest load tried)`;
  if (kind === 'at-least') return `${at} or higher (baseline below the lowest load tried)`;
  if (kind === 'below-both') return 'none: both below the lowest load tried';
  return 'unknown: both sides partly below the lowest load tried';
}
