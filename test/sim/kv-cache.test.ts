import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_TOKENS, KvBlockPool, blockHashes } from '../../src/engines/sim/kv-cache.ts';

const ids = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

test('block hashes cover full blocks only and identify whole prefixes', () => {
  assert.equal(blockHashes(ids(47)).length, 2);
  assert.equal(blockHashes(ids(48)).length, 3);
  const a = blockHashes(ids(64));
  const b = blockHashes([...ids(32), ...ids(32, 1000)]);
  assert.deepEqual(b.slice(0, 2), a.slice(0, 2), 'same first 32 tokens: same first two hashes');
  assert.notEqual(b[2], a[2]);
  // A block equal in content but after a different prefix is a different block.
  const c = blockHashes([...ids(16, 500), ...ids(16, 16)]);
  assert.notEqual(c[1], a[1]);
});

test('a released prefix is found again until its space is needed', () => {
  const pool = new KvBlockPool(4 * BLOCK_TOKENS);
  const [h0, h1] = blockHashes(ids(32));
  assert.ok(pool.allocate(2));
  assert.ok(pool.register(h0));
  assert.ok(pool.register(h1));
  assert.equal(pool.register(h0), false, 'a prefix is cached once');
  pool.release(0, [h0, h1]);
  assert.equal(pool.usedBlocks, 0);
  assert.equal(pool.freeBlocks, 4, 'cached blocks nobody holds count as free');

  assert.deepEqual(pool.claimPrefix([h0, h1], 8), [h0, h1]);
  assert.equal(pool.usedBlocks, 2);
  assert.deepEqual(pool.claimPrefix([h0, h1], 1), [h0], 'shared by a second holder, limited to maxBlocks');
  assert.equal(pool.usedBlocks, 2, 'sharing takes no new block');
  pool.release(0, [h0]);
  pool.release(0, [h0, h1]);

  // Filling the pool evicts the least recently freed cached block first (h0 was freed before h1).
  assert.ok(pool.allocate(3));
  assert.deepEqual(pool.claimPrefix([h0, h1], 8), [], 'h0 was evicted, so the chain breaks at once');
  assert.ok(pool.allocate(1));
  assert.equal(pool.allocate(1), false, 'a full pool refuses');
  assert.equal(pool.usedBlocks, 4);
});

test('lookups are counted in tokens', () => {
  const pool = new KvBlockPool(1024);
  pool.recordLookup(100, 64);
  pool.recordLookup(50, 0);
  assert.equal(pool.queriedTokens, 150);
  assert.equal(pool.hitTokens, 64);
  assert.throws(() => new KvBlockPool(8), /holds no 16-token block/);
});
