// The simulated engine's noise model, kept free of any server state so the gate's Monte Carlo
// benchmark can draw exactly the run-to-run variation a `--noise CV` server would show.

import { createRng, sampleNormal, type Rng } from '../../load/random.ts';

export { createRng, type Rng };

/**
 * One run's speed multiplier: lognormal with mean 1 and coefficient of variation `cv`
 * (σ² = ln(1 + cv²), μ = −σ²/2). Lognormal because speed factors multiply and stay positive.
 */
export function drawRunMultiplier(rng: Rng, cv: number): number {
  if (!(cv >= 0) || !Number.isFinite(cv)) throw new Error(`noise coefficient of variation must be a finite number >= 0, got ${cv}`);
  if (cv === 0) return 1;
  const sigma2 = Math.log1p(cv * cv);
  return Math.exp(-sigma2 / 2 + Math.sqrt(sigma2) * sampleNormal(rng));
}

/** Per-step jitter is a quarter of the run-to-run CV: steps wobble, but runs differ far more. */
export const STEP_JITTER_SHARE = 0.25;

/** Seed of the per-step jitter stream, apart from the run stream so run draws follow createRng(seed) exactly. */
export function jitterSeed(seed: number): number {
  return (seed ^ 0x5bd1e995) >>> 0;
}
