import { createRng } from '../load/random.ts';
import { mean, trimmedMean } from './stats.ts';

// Change-point detection for slow drift: E-Divisive with means (Matteson & James 2014, the method
// behind MongoDB's Hunter) finds the split of a history into "before" and "after" whose energy
// distance is largest, and a permutation test says how often a split that strong appears in the
// same values in random order. Series here are short (the baseline window plus the current run),
// so one split per series is enough: it answers "did the level shift, and where".
//
// The series is given per run, each run with its repetitions' values; each run is summarised by
// its trimmed mean and the permutation test shuffles whole runs. Repetitions of one run share its
// conditions, so shuffling repetitions put the run effect outside the null: a 2.7% run effect
// alone raised a change point on half of unchanged nights. Runs are exchangeable under "no drift"
// whatever their own noise. The price is resolution: n runs give at most n! / (n/2)!² distinct
// splits' worth of evidence, so a history needs enough runs (30 stored runs: the smallest p-value
// reachable is far below a correction over a hundred series; 11 runs: ≈ 0.002, which it is not).

export interface ChangePointOptions {
  /** Fewest runs on either side of a split; 2 keeps a single odd run from reading as a shift. */
  readonly minSize?: number;
  /** Most permutations of the test; the smallest p-value it can report is 1 / (permutations + 1). */
  readonly permutations?: number;
  readonly seed: number;
}

export interface ChangePointResult {
  /** Index of the first run after the change. */
  readonly index: number;
  /** The split's divergence statistic Q̂ (energy distance scaled by τ(n − τ)/n). */
  readonly statistic: number;
  readonly pValue: number;
  /** Mean of the runs' means before and after the split. */
  readonly before: number;
  readonly after: number;
}

// Stop permuting once this many permutations matched the observed statistic (Besag & Clifford's
// sequential p-value, h / permutations): clearly insignificant series cost a few dozen shuffles,
// and the p-value stays exact where it matters, near the significance threshold.
const EXCEEDANCES_TO_STOP = 20;

/** The largest Q̂ over the allowed split positions of x (indices into x where a new run starts). */
function bestSplit(x: readonly number[], splits: readonly number[]): { at: number; statistic: number } {
  const n = x.length;
  // left[k] = Σ_{i<k} |x_i − x_k|, right[k] = Σ_{j>k} |x_k − x_j|.
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.abs(x[i] - x[j]);
      left[j] += d;
      right[i] += d;
    }
  }
  let total = 0;
  for (let k = 0; k < n; k++) total += left[k];
  // Within-sums of the two parts, moved along one value at a time.
  let withinLeft = 0;
  let withinRight = total;
  let tau = 0;
  let best = { at: -1, statistic: -Infinity };
  for (const at of splits) {
    for (; tau < at; tau++) {
      withinLeft += left[tau];
      withinRight -= right[tau];
    }
    const m = n - at;
    const between = total - withinLeft - withinRight;
    const pairsLeft = (at * (at - 1)) / 2;
    const pairsRight = (m * (m - 1)) / 2;
    const energy = (2 * between) / (at * m) - (pairsLeft > 0 ? withinLeft / pairsLeft : 0) - (pairsRight > 0 ? withinRight / pairsRight : 0);
    const statistic = ((at * m) / n) * energy;
    if (statistic > best.statistic) best = { at, statistic };
  }
  return best;
}

/**
 * The strongest change point of a history of runs (each run: its repetitions' values, oldest run
 * first) with its permutation p-value, or null when the history has fewer than 2 × minSize runs.
 * The caller decides significance, so it can correct for testing many series at once.
 */
export function strongestChangePoint(runs: readonly (readonly number[])[], opts: ChangePointOptions): ChangePointResult | null {
  const minSize = opts.minSize ?? 2;
  const permutations = opts.permutations ?? 999;
  if (!Number.isInteger(minSize) || minSize < 1) throw new Error(`change point minSize must be a whole number ≥ 1, got ${minSize}`);
  if (!Number.isInteger(permutations) || permutations < 1) throw new Error(`change point permutations must be a whole number ≥ 1, got ${permutations}`);
  for (const run of runs) {
    if (run.length === 0) throw new Error('change point: every run needs at least one value');
    for (const v of run) if (!Number.isFinite(v)) throw new Error(`change point series must hold finite numbers, got ${v}`);
  }
  if (runs.length < 2 * minSize) return null;
  const values = runs.map(trimmedMean);
  // Splits leave at least minSize runs on each side.
  const starts = runs.map((_, i) => i);
  const splits = starts.slice(minSize, runs.length - minSize + 1);
  const observed = bestSplit(values, splits);
  const rng = createRng(opts.seed);
  const shuffled = [...values];
  let exceed = 0;
  let done = 0;
  while (done < permutations && exceed < EXCEEDANCES_TO_STOP) {
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
    done++;
    // A relative margin counts ties (equal statistics up to rounding) as "as extreme".
    if (bestSplit(shuffled, splits).statistic >= observed.statistic * (1 - 1e-12)) exceed++;
  }
  const index = observed.at;
  const runMeans = values;
  return {
    index,
    statistic: observed.statistic,
    pValue: exceed >= EXCEEDANCES_TO_STOP ? exceed / done : (exceed + 1) / (done + 1),
    before: mean(runMeans.slice(0, index)),
    after: mean(runMeans.slice(index)),
  };
}
