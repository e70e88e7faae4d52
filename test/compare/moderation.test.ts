import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digamma, fitPriors, fitTrendPriors, pooledExcessKurtosis, priorDfCap, squeezeVariances, tailDf, trigamma, trigammaInverse, type SampleVariance, type TwoLevelVariance } from '../../src/compare/moderation.ts';
import { createRng, sampleGamma, sampleNormal, type Rng } from '../../src/load/random.ts';

const close = (a: number, b: number, rel = 1e-9): void => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test('digamma and trigamma match their closed forms; trigammaInverse inverts trigamma', () => {
  const gamma = 0.5772156649015329;
  close(digamma(1), -gamma);
  close(digamma(0.5), -gamma - 2 * Math.log(2));
  close(digamma(7), -gamma + 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5 + 1 / 6);
  close(trigamma(1), Math.PI ** 2 / 6);
  close(trigamma(0.5), Math.PI ** 2 / 2);
  close(trigamma(3), Math.PI ** 2 / 6 - 1 - 1 / 4);
  for (const x of [0.05, 0.3, 1, 2.5, 10, 300]) close(trigammaInverse(trigamma(x)), x, 1e-7);
  assert.throws(() => trigammaInverse(0), /needs y > 0/);
});

/** s² of a cell with true variance v on d degrees of freedom: v · χ²_d / d. */
const sampleVariance = (rng: Rng, v: number, d: number): SampleVariance => ({ variance: (v * sampleGamma(rng, d / 2, 2)) / d, df: d });

test('the prior: cells that share a variance give a large d0; cells whose variances differ a small one; each group keeps its own scale', () => {
  const rng = createRng(5);
  // 9 metrics × 6 scenarios, each metric its own noise, every scenario of a metric alike.
  const alike = Array.from({ length: 9 }, (_, g) => Array.from({ length: 6 }, () => sampleVariance(rng, (g + 1) ** 2 * 1e-4, 10)));
  const fitted = fitPriors(alike);
  assert.ok(fitted.every((p) => p !== null && p.df > 30), JSON.stringify(fitted));
  fitted.forEach((p, g) => assert.ok(p!.scale > 0.5 * (g + 1) ** 2 * 1e-4 && p!.scale < 2 * (g + 1) ** 2 * 1e-4, `group ${g}: ${p!.scale}`));
  // True variances drawn from a scaled inverse χ² with 4 degrees of freedom: d0 near 4.
  const differ = Array.from({ length: 9 }, () => Array.from({ length: 6 }, () => sampleVariance(rng, 4 / sampleGamma(rng, 2, 2), 10)));
  const d0 = fitPriors(differ)[0]!.df;
  assert.ok(d0 > 1.5 && d0 < 12, `d0 ${d0}`);
  // Too few cells to say anything: no prior.
  assert.deepEqual(fitPriors([[sampleVariance(rng, 1, 4), sampleVariance(rng, 1, 4)]]), [null]);
});

test("a cell's moderated degrees of freedom never exceed what its group holds", () => {
  const group = [1, 2, 3, 4, 5, 6].map((v) => ({ variance: v, df: 2 }));
  assert.equal(priorDfCap(group, group[0]), 10);
});

test('heavy tails: pooled excess kurtosis near 0 for normal run summaries, large for t₃; only heavy tails cap the degrees of freedom', () => {
  const rng = createRng(9);
  const cells = (draw: () => number, n = 10) => Array.from({ length: 54 }, () => Array.from({ length: n }, draw));
  const normal = pooledExcessKurtosis(cells(() => sampleNormal(rng)))!;
  assert.ok(Math.abs(normal) < 0.5, `normal: ${normal}`);
  assert.equal(tailDf(normal), Infinity);
  // 60 stored runs (a sample of n cannot show an excess kurtosis much above n: t₃'s tails need a long history to be seen).
  const t3 = pooledExcessKurtosis(cells(() => sampleNormal(rng) / Math.sqrt(sampleGamma(rng, 1.5, 2) / 3), 60))!;
  assert.ok(t3 > 2, `t3: ${t3}`);
  assert.ok(tailDf(t3) > 4 && tailDf(t3) < 7, `ν ${tailDf(t3)}`);
  // Fewer than 4 values in every cell: nothing to say.
  assert.equal(pooledExcessKurtosis([[1, 2, 3]]), null);
});

test('squeezed variances: each moves towards its group prior with the prior degrees of freedom added; a 0 takes the prior too', () => {
  const rng = createRng(11);
  const groups = Array.from({ length: 9 }, (_, g) => Array.from({ length: 6 }, () => sampleVariance(rng, (g + 1) * 1e-4, 5)));
  groups[0][0] = { variance: 0, df: 5 };
  const priors = fitPriors(groups);
  const squeezed = squeezeVariances(groups);
  squeezed.forEach((g, k) =>
    g.forEach((v, j) => {
      const raw = groups[k][j];
      assert.ok(v.df > raw.df, `group ${k}, cell ${j}: df ${v.df}`);
      // Between the cell's own variance and the prior's scale.
      const [lo, hi] = [Math.min(raw.variance, priors[k]!.scale), Math.max(raw.variance, priors[k]!.scale)];
      assert.ok(v.variance >= lo * (1 - 1e-12) && v.variance <= hi * (1 + 1e-12), `group ${k}, cell ${j}: ${v.variance} outside [${lo}, ${hi}]`);
    }),
  );
  assert.ok(squeezed[0][0].variance > 0);
  // No prior (too few cells): the variances stay as they are.
  assert.deepEqual(squeezeVariances([[{ variance: 1, df: 2 }, { variance: 2, df: 2 }]]), [[{ variance: 1, df: 2 }, { variance: 2, df: 2 }]]);
});

test('trend priors: each cell gets κ times its own within-run variance, κ per group, and d0 from how the ratios spread', () => {
  const rng = createRng(13);
  const d = 10;
  const dw = 24;
  const simulate = (d0: number): { cells: TwoLevelVariance[][]; truth: number[][] } => {
    const truth: number[][] = [];
    const cells = Array.from({ length: 9 }, (_, g) => {
      const kappa = 0.5 + g / 4;
      truth.push([]);
      return Array.from({ length: 6 }, () => {
        // Within-run variances 10× apart across a group's cells, as a real GPU's scenarios are.
        const within = 1e-4 * 10 ** rng.next();
        const run = kappa * within * (Number.isFinite(d0) ? d0 / sampleGamma(rng, d0 / 2, 2) : 1);
        truth[g].push(run);
        return { run: sampleVariance(rng, run, d), within: sampleVariance(rng, within, dw) };
      });
    });
    return { cells, truth };
  };
  const spread = simulate(8);
  const priors = fitTrendPriors(spread.cells);
  const dfs = priors.flat().map((p) => p!.df);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  assert.ok(median(dfs) > 3 && median(dfs) < 20, `d0 ${median(dfs)} for a true 8`);
  // The prior's scale tracks each cell's own true variance (κ · within), not the group's: the
  // noisiest cell of a group gets a larger scale than the quietest, and the scales sit near the truth
  // (a prior with d0 ≈ 3 puts the median true variance ~1.4× its scale).
  const ordered = priors.filter((g, k) => {
    const t = spread.truth[k];
    return g[t.indexOf(Math.max(...t))]!.scale > g[t.indexOf(Math.min(...t))]!.scale;
  }).length;
  assert.ok(ordered >= 8, `${ordered} of 9 groups order their noisiest and quietest cells' priors`);
  const ratios = priors.flatMap((g, k) => g.map((p, j) => p!.scale / spread.truth[k][j]));
  assert.ok(median(ratios) > 0.4 && median(ratios) < 1.6, `scale / truth ${median(ratios)}, d0 ${median(dfs)}`);
  // Ratios that do not vary at all: d0 reaches its cap, here the cell's own run degrees of freedom (fewer than the within-run variance's).
  const exact = fitTrendPriors(simulate(Infinity).cells);
  assert.ok(exact.flat().every((p) => p!.df === d), JSON.stringify(exact.flat().map((p) => p!.df)));
  // No within-run variance (one repetition per run): no prior.
  assert.deepEqual(fitTrendPriors([[{ run: { variance: 1, df: 3 }, within: { variance: 0, df: 0 } }]]), [[null]]);
});

test("trend priors never outweigh a cell's own runs: a cell far off the trend at 2 degrees of freedom keeps at least half its own variance", () => {
  // A real H100 job's TPOT p50 contrasts: burst's runs vary 36× its within-run variance, the other
  // scenarios' 0–0.7×; with 2 stored runs and a job of 2, each contrast's run variance has 2
  // degrees of freedom and the within-run variance 4 (2 repetitions in each of 4 runs).
  const groups: TwoLevelVariance[][] = Array.from({ length: 9 }, (_, g) =>
    Array.from({ length: 6 }, (_, j) => {
      const within = 1e-5 * (1 + j);
      const ratio = g === 5 && j === 3 ? 36 : 0.2 + 0.1 * ((g + j) % 6);
      // The burst cell's runs happened to agree this time (a tenth of their true variance).
      return { run: { variance: ratio * within * (g === 5 && j === 3 ? 0.1 : 1), df: 2 }, within: { variance: within, df: 4 } };
    }),
  );
  const priors = fitTrendPriors(groups);
  for (const [k, g] of priors.entries()) for (const [j, p] of g.entries()) assert.ok(p !== null && p.df <= 2, `group ${k}, cell ${j}: prior df ${p?.df}`);
  const burst = priors[5][3]!;
  const own = groups[5][3].run;
  // What the test then uses (moderate): (d0·scale + d·own) / (d0 + d), never below half the cell's own.
  const moderated = (burst.df * burst.scale + own.df * own.variance) / (burst.df + own.df);
  assert.ok(moderated >= own.variance / 2, `moderated ${moderated} against its own ${own.variance}`);
});
