// Seeded randomness for everything a run must reproduce (arrival schedules, lengths, shuffles):
// the same seed gives the same numbers on every machine and Node version, which Math.random
// cannot promise.

/** A stream of uniform numbers in [0, 1). */
export interface Rng {
  next(): number;
}

/**
 * sfc32 (Chris Doty-Humphrey's small fast counter generator): 128-bit state, passes PractRand,
 * and needs only 32-bit integer operations, which JavaScript does exactly.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`random seed must be a finite number, got ${seed}`);
  // Spread the seed over the whole state with splitmix32 so nearby seeds give unrelated streams.
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs still echo the seeding; discard them.
  for (let i = 0; i < 12; i++) next();
  return { next };
}

/** Combines several integers (a scenario seed, a repetition index, ...) into one 32-bit seed. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    if (!Number.isSafeInteger(part)) throw new Error(`seed parts must be safe integers, got ${part}`);
    // Fold both 32-bit halves so seeds above 2^32 still matter.
    for (const word of [part >>> 0, Math.floor(part / 4294967296) >>> 0]) {
      h = Math.imul(h ^ word, 0x01000193);
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
    }
  }
  return h >>> 0;
}

/** A standard normal draw (Box–Muller; the second value is dropped to keep the generator stateless). */
export function sampleNormal(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log(0) never happens
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A gamma draw with the given shape k and scale θ (mean kθ, coefficient of variation 1/√k),
 * by Marsaglia and Tsang's squeeze method; shape < 1 uses the boost X·U^(1/k).
 */
export function sampleGamma(rng: Rng, shape: number, scale: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new Error(`gamma shape must be a positive number, got ${shape}`);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`gamma scale must be a positive number, got ${scale}`);
  if (shape < 1) {
    const u = 1 - rng.next();
    return sampleGamma(rng, shape + 1, scale) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}
