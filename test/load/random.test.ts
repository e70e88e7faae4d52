import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, mixSeed, sampleGamma, sampleNormal } from '../../src/load/random.ts';

const draw = (n: number, f: () => number): number[] => Array.from({ length: n }, f);

test('the same seed gives the same uniform stream; neighbouring seeds give unrelated ones', () => {
  const a = createRng(42);
  const b = createRng(42);
  const xs = draw(1000, () => a.next());
  assert.deepEqual(xs, draw(1000, () => b.next()));
  for (const x of xs) assert.ok(x >= 0 && x < 1);
  const c = createRng(43);
  const ys = draw(1000, () => c.next());
  const same = xs.filter((x, i) => Math.abs(x - ys[i]) < 1e-3).length;
  assert.ok(same < 10, `${same} near-equal draws between seeds 42 and 43`);
});

test('uniform, normal and gamma draws have the moments they should', () => {
  const rng = createRng(5);
  const n = 50_000;
  const u = draw(n, () => rng.next());
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = (xs: number[]): number => {
    const m = mean(xs);
    return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  };
  assert.ok(Math.abs(mean(u) - 0.5) < 0.01);
  const z = draw(n, () => sampleNormal(rng));
  assert.ok(Math.abs(mean(z)) < 0.02);
  assert.ok(Math.abs(variance(z) - 1) < 0.03);
  // Gamma(k, θ): mean kθ, variance kθ².
  for (const [k, theta] of [[0.5, 2], [3, 0.5]]) {
    const g = draw(n, () => sampleGamma(rng, k, theta));
    assert.ok(Math.abs(mean(g) / (k * theta) - 1) < 0.03, `gamma(${k}) mean ${mean(g)}`);
    assert.ok(Math.abs(variance(g) / (k * theta * theta) - 1) < 0.08, `gamma(${k}) variance ${variance(g)}`);
  }
});

test('mixSeed is deterministic and sensitive to every part and to order', () => {
  assert.equal(mixSeed(1, 2), mixSeed(1, 2));
  const seeds = new Set([mixSeed(1, 2), mixSeed(2, 1), mixSeed(1, 3), mixSeed(1), mixSeed(1, 2 + 2 ** 32)]);
  assert.equal(seeds.size, 5);
  assert.throws(() => mixSeed(1.5), /safe integers, got 1.5/);
  assert.throws(() => createRng(NaN), /finite number, got NaN/);
});
