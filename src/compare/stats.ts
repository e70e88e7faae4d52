// The statistics the gate relies on, computed here rather than looked up in tables: the Student t
// distribution (through the regularized incomplete beta function), two-sample t-tests on log
// values, the confidence interval of a ratio of geometric means, and multiple-testing adjustments.
// Reference values for every function come from SciPy (see test/compare/stats.test.ts).

// ---------- special functions ----------

// Lanczos approximation, g = 7, 9 terms: relative error below 1e-15 for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** Continued fraction of I_x(a, b) (modified Lentz), converging fast for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    // Even step.
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step.
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta did not converge for x=${x}, a=${a}, b=${b}`);
}

/** The regularized incomplete beta function I_x(a, b) for 0 ≤ x ≤ 1, a, b > 0. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta needs 0 ≤ x ≤ 1, got ${x}`);
  return incompleteBeta(x, 1 - x, a, b);
}

/** I_x(a, b) given both x and y = 1 − x, so callers that know y precisely lose nothing to 1 − x. */
function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incomplete beta needs a, b > 0, got a=${a}, b=${b}`);
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(y));
  // The fraction converges on the side where x is small relative to the mean a/(a+b); the other
  // side goes through the symmetry I_x(a, b) = 1 − I_y(b, a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

// ---------- Student t distribution ----------

function checkDf(df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`Student t needs degrees of freedom > 0, got ${df}`);
}

/** P(|T| ≥ |t|) for T ~ t(df); computed directly so tiny tail probabilities keep full precision. */
export function studentTTwoSided(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  return incompleteBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/** P(0 ≤ T ≤ |t|), precise for small |t| where the two-sided tail is close to 1. */
function studentTCentre(t: number, df: number): number {
  const t2 = t * t;
  return incompleteBeta(t2 / (df + t2), df / (df + t2), 0.5, df / 2) / 2;
}

/** P(T ≤ t) for T ~ t(df). */
export function studentTCdf(t: number, df: number): number {
  const tail = studentTTwoSided(t, df) / 2;
  return t > 0 ? 1 - tail : tail;
}

/** P(T ≥ t) for T ~ t(df) (the survival function), precise in the upper tail. */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

/**
 * Brent's method on [lo, hi] where f changes sign: bisection's guarantee with the speed of secant
 * and inverse quadratic steps. Returns x with |f(x)| = 0 or an interval narrower than the tolerance.
 */
function brent(f: (x: number) => number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) throw new Error(`root finder: f(${a}) and f(${b}) have the same sign`);
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let i = 0; i < 200; i++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 1e-300;
    const m = (c - b) / 2;
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return b;
}

// The gate asks for the same few quantiles (one confidence level, a handful of degrees of freedom)
// for every metric of every run; remembering them keeps the Monte Carlo benchmark fast.
const quantileMemo = new Map<number, Map<number, number>>();

/** The p-quantile of t(df): the t with P(T ≤ t) = p. */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const known = quantileMemo.get(p)?.get(df);
  if (known !== undefined) return known;
  // Near the centre solve P(0 ≤ T ≤ u) = |p − 0.5| (exact in floating point there); in the tails
  // solve in logs: the tail probability spans many orders of magnitude and its logarithm is close
  // to linear in log u, which the root finder likes.
  const tail = Math.min(p, 1 - p);
  const f =
    tail > 0.25
      ? (u: number): number => studentTCentre(u, df) - Math.abs(p - 0.5)
      : (u: number): number => Math.log(studentTTwoSided(u, df) / 2) - Math.log(tail);
  let hi = 1;
  while (f(hi) * f(0) > 0) hi *= 2;
  const u = brent(f, 0, hi);
  const q = p < 0.5 ? -u : u;
  if (quantileMemo.size >= 100) quantileMemo.clear();
  let byDf = quantileMemo.get(p);
  if (!byDf || byDf.size >= 1000) quantileMemo.set(p, (byDf = new Map()));
  byDf.set(df, q);
  return q;
}

// ---------- samples ----------

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('mean of an empty sample');
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty sample');
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Sample variance (n − 1 denominator). */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) throw new RangeError(`variance needs at least 2 values, got ${xs.length}`);
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

// ---------- two-sample t-tests ----------

/**
 * How the variance of the difference is estimated: 'runs' takes the run as the unit (runsTest:
 * run-to-run variation included); 'pooled' and 'welch' treat all repetitions as independent.
 */
export type VarianceModel = 'runs' | 'pooled' | 'welch';

export interface TTest {
  /** mean(y) − mean(x). */
  readonly diff: number;
  /** Standard error of the difference. */
  readonly se: number;
  readonly df: number;
  readonly t: number;
  /** H1: the means differ. */
  readonly pTwoSided: number;
  /** H1: mean(y) > mean(x). */
  readonly pGreater: number;
  /** H1: mean(y) < mean(x). */
  readonly pLess: number;
}

function finish(diff: number, se: number, df: number): TTest {
  // Identical constant samples: no evidence of a difference. Constant but different: certain.
  const t = se > 0 ? diff / se : diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
  return { diff, se, df, t, pTwoSided: studentTTwoSided(t, df), pGreater: studentTSf(t, df), pLess: studentTCdf(t, df) };
}

/**
 * Standard error of a difference of two means from the samples' variances and sizes, with
 * Welch–Satterthwaite degrees of freedom (both spreads 0: the pooled degrees of freedom).
 */
export function welchStandardError(vx: number, nx: number, vy: number, ny: number): { se: number; df: number } {
  const a = vx / nx;
  const b = vy / ny;
  const v = a + b;
  const df = v > 0 ? (v * v) / ((a * a) / (nx - 1) + (b * b) / (ny - 1)) : nx + ny - 2;
  return { se: Math.sqrt(v), df };
}

/** Standard error of a difference of two means that share one (pooled) variance. */
export function pooledStandardError(pooledVariance: number, nx: number, ny: number): number {
  return Math.sqrt(pooledVariance * (1 / nx + 1 / ny));
}

/** Welch's unequal-variance t-test of y against x, with Welch–Satterthwaite degrees of freedom. */
export function welchTTest(x: readonly number[], y: readonly number[]): TTest {
  if (x.length < 2 || y.length < 2) throw new RangeError(`Welch's t-test needs at least 2 values per sample, got ${x.length} and ${y.length}`);
  const { se, df } = welchStandardError(variance(x), x.length, variance(y), y.length);
  return finish(mean(y) - mean(x), se, df);
}

/** Student's equal-variance t-test of y against x (pooled variance, n_x + n_y − 2 degrees of freedom). */
export function pooledTTest(x: readonly number[], y: readonly number[]): TTest {
  const df = x.length + y.length - 2;
  if (x.length < 1 || y.length < 1 || df < 1) throw new RangeError(`the pooled t-test needs 3 values in all and one per sample, got ${x.length} and ${y.length}`);
  const ss = (xs: readonly number[]): number => (xs.length < 2 ? 0 : variance(xs) * (xs.length - 1));
  const pooled = (ss(x) + ss(y)) / df;
  return finish(mean(y) - mean(x), pooledStandardError(pooled, x.length, y.length), df);
}

/** Runs the chosen two-sample t-test on independent values. */
export function tTest(x: readonly number[], y: readonly number[], model: 'pooled' | 'welch'): TTest {
  return model === 'welch' ? welchTTest(x, y) : pooledTTest(x, y);
}

// ---------- runs of repetitions ----------

/** Share of a run's repetitions trimmed from each end before they are averaged. */
export const TRIM = 0.2;

/**
 * The 20% trimmed mean (floor(0.2 n) values off each end): one run's summary. With five
 * repetitions one bad one cannot decide it; with four or fewer it is the plain mean.
 */
export function trimmedMean(xs: readonly number[]): number {
  const cut = Math.floor(TRIM * xs.length);
  if (cut === 0) return mean(xs);
  return mean([...xs].sort((a, b) => a - b).slice(cut, xs.length - cut));
}

/**
 * The two levels of noise of runs of repetitions (one-way random effects): repetitions of one run
 * share its conditions (a server start, clocks, heat, a neighbour), so whole runs differ more than
 * their repetitions imply.
 */
export interface RunNoise {
  /** Variance of one run's summary (both levels together), or null with fewer than 2 runs on either side. */
  readonly runVariance: number | null;
  /** Within-run variance pooled over every run with 2 or more repetitions (0 without any). */
  readonly within: number;
  readonly withinDf: number;
  /** Run-to-run variance, runVariance − within / repetitions, untruncated (may come out below 0). */
  readonly between: number | null;
}

/**
 * Standard error and degrees of freedom of (mean of the current runs' summaries) − (mean of the
 * baseline runs' summaries) for a current job of `r` runs.
 */
export type RunsPrediction = (r: number) => { readonly se: number; readonly df: number };

export interface RunsTest extends TTest {
  readonly noise: RunNoise;
  /** The same test's standard error and degrees of freedom had the current job had r runs. */
  readonly predict: RunsPrediction;
}

/** The within-run (repetition) variance pooled over every run with 2 or more repetitions, with its degrees of freedom. */
export function withinPooled(runs: readonly (readonly number[])[]): { within: number; df: number } {
  let ss = 0;
  let df = 0;
  for (const r of runs) {
    if (r.length < 2) continue;
    ss += sumOfSquares(r);
    df += r.length - 1;
  }
  return { within: df > 0 ? ss / df : 0, df };
}

/**
 * Sum of squares about the mean, 0 where it is only rounding: equal values whose mean is not
 * exactly representable leave ~1e-30, which, pooled as a spread, would make any change certain.
 */
function sumOfSquares(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const ss = variance(xs) * (xs.length - 1);
  let scale = 0;
  for (const x of xs) scale = Math.max(scale, Math.abs(x));
  return ss <= xs.length * (16 * Number.EPSILON * scale) ** 2 ? 0 : ss;
}

const meanInverse = (runs: readonly (readonly number[])[]): number => mean(runs.map((r) => 1 / r.length));

/**
 * The current job's runs against the baseline's runs, with the run as the unit: each run is
 * summarised by its trimmed mean and the test compares the means of the summaries. The variance of
 * a summary (run-to-run and repetition noise together) is estimated from how the summaries of each
 * side spread around their side's mean — pooled over both sides (k + R − 2 degrees of freedom), or
 * Welch's unpooled form when one side's summaries do not spread at all — without a pretest and
 * without truncating a component at zero: its null distribution is Student's t at any run effect,
 * so it stays calibrated at the tiny per-cell α of a family correction. Where the sides' runs have
 * different repetition counts the within-run variance corrects for it (Satterthwaite's degrees of
 * freedom). The within-run variance also sets a floor — a run's summary varies at least as much as
 * its repetitions' mean — so a history of identical values does not make any change "certain".
 * Null when neither side has two runs: nothing bounds the run-to-run variation then.
 */
export function runsTest(baseline: readonly (readonly number[])[], current: readonly number[][] | readonly (readonly number[])[]): RunsTest | null {
  if (baseline.length === 0 || current.length === 0 || [...baseline, ...current].some((r) => r.length === 0)) {
    throw new RangeError('the runs test needs at least one run with values on each side');
  }
  const k = baseline.length;
  const R = current.length;
  if (k < 2 && R < 2) return null;
  const bs = baseline.map(trimmedMean);
  const cs = current.map(trimmedMean);
  const diff = mean(cs) - mean(bs);
  const all = [...baseline, ...current];
  const first = all[0][0];
  // Exactly equal samples: no evidence of any difference.
  if (all.every((r) => r.every((v) => v === first))) {
    return { ...finish(0, 0, Math.max(1, k + R - 2)), noise: { runVariance: 0, within: 0, withinDf: 0, between: 0 }, predict: (r) => ({ se: 0, df: Math.max(1, k + r - 2) }) };
  }
  const { within, df: withinDf } = withinPooled(all);
  const hb = meanInverse(baseline);
  const hc = meanInverse(current);
  const sb = sumOfSquares(bs);
  const sc = sumOfSquares(cs);
  const welch = k >= 2 && R >= 2 && (sb === 0 || sc === 0);
  const sDf = k - 1 + R - 1;
  const s2 = (sb + sc) / sDf;
  // The summaries estimate σ_b² + σ_w²·h with h the repetitions' mean inverse over the runs that spread.
  const h = k >= 2 && R >= 2 ? (hb * (k - 1) + hc * (R - 1)) / sDf : k >= 2 ? hb : hc;
  const predict: RunsPrediction = (r) => {
    let v: number;
    let df: number;
    if (welch) {
      ({ se: v, df } = welchStandardError(sb / (k - 1), k, sc / (R - 1), r));
      v *= v;
    } else {
      // More current runs than measured would add their spread's degrees of freedom too.
      const aDf = sDf + Math.max(0, r - R);
      const a = s2 * (1 / k + 1 / r);
      const b = within * ((hb - h) / k + (hc - h) / r);
      v = a + b;
      const denom = (a * a) / aDf + (withinDf > 0 ? (b * b) / withinDf : 0);
      df = denom > 0 ? (v * v) / denom : aDf;
    }
    const floor = within * (hb / k + hc / r);
    return { se: Math.sqrt(Math.max(v, floor)), df: Math.max(df, 1) };
  };
  const { se, df } = predict(R);
  const runVariance = sDf > 0 && !welch ? s2 : null;
  return { ...finish(diff, se, df), noise: { runVariance, within, withinDf, between: runVariance === null ? null : runVariance - within * h }, predict };
}

export function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1 (e.g. 0.95), got ${confidence}`);
}

// ---------- multiple testing ----------

function checkPValues(ps: readonly number[]): void {
  for (const p of ps) if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must lie in [0, 1], got ${p}`);
}

function checkWeights(ws: readonly number[], m: number): void {
  if (ws.length !== m) throw new RangeError(`one weight per p-value expected, got ${ws.length} weights for ${m} p-values`);
  for (const w of ws) if (!(w > 0 && Number.isFinite(w))) throw new RangeError(`weights must be positive and finite, got ${w}`);
}

/** Indices in ascending order of p / w (ties keep their order). */
function ascendingOrder(ps: readonly number[], ws: readonly number[]): number[] {
  return ps.map((_, i) => i).sort((i, j) => ps[i] / ws[i] - ps[j] / ws[j]);
}

const ones = (m: number): number[] => new Array<number>(m).fill(1);

/**
 * Holm's step-down adjustment (controls the family-wise error rate under any dependence), weighted
 * (Holm 1979): at each step the smallest p / w among the hypotheses left is tested at α · w / (the
 * weights left), so a hypothesis of weight 2 gets twice the share of α. Equal weights: plain Holm.
 */
export function holmAdjust(ps: readonly number[], ws: readonly number[] = ones(ps.length)): number[] {
  checkPValues(ps);
  checkWeights(ws, ps.length);
  const out = new Array<number>(ps.length);
  let left = ws.reduce((a, b) => a + b, 0);
  let running = 0;
  for (const idx of ascendingOrder(ps, ws)) {
    running = Math.max(running, Math.min(1, (left * ps[idx]) / ws[idx]));
    out[idx] = running;
    left -= ws[idx];
  }
  return out;
}

/**
 * Benjamini–Hochberg step-up adjustment (controls the false discovery rate), weighted (Genovese,
 * Roeder and Wasserman 2006): BH on p / w with the weights scaled to average 1. Equal weights: plain BH.
 */
export function bhAdjust(ps: readonly number[], ws: readonly number[] = ones(ps.length)): number[] {
  checkPValues(ps);
  checkWeights(ws, ps.length);
  const m = ps.length;
  const scale = m / ws.reduce((a, b) => a + b, 0);
  const out = new Array<number>(m);
  const order = ascendingOrder(ps, ws);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const idx = order[rank];
    running = Math.min(running, (m / (rank + 1)) * (ps[idx] / (ws[idx] * scale)));
    out[idx] = running;
  }
  return out;
}

export type Correction = 'holm' | 'bh';

/** Adjusts p-values for the family (optionally weighted: a larger weight, a larger share of α). */
export function adjustPValues(ps: readonly number[], correction: Correction, ws?: readonly number[]): number[] {
  return correction === 'bh' ? bhAdjust(ps, ws) : holmAdjust(ps, ws);
}
