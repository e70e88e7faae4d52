// vLLM-style paged KV cache: fixed 16-token blocks, and a prefix cache that keeps the blocks of
// already computed prompt prefixes (found by a hash chained over all tokens before them) until
// their space is needed again, least recently freed first.

export const BLOCK_TOKENS = 16;

/**
 * Hash of every full block of `ids`: block i's hash covers tokens [0, 16(i+1)), so equal hashes
 * mean equal prefixes (two independent 32-bit hashes packed into 53 bits make collisions negligible).
 */
export function blockHashes(ids: readonly number[]): number[] {
  const hashes: number[] = [];
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  const full = ids.length - (ids.length % BLOCK_TOKENS);
  for (let i = 0; i < full; i++) {
    h1 = Math.imul(h1 ^ ids[i], 0x01000193);
    h2 = Math.imul(h2 ^ ids[i], 0x5bd1e995);
    h2 ^= h2 >>> 15;
    if ((i + 1) % BLOCK_TOKENS === 0) hashes.push((h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff));
  }
  return hashes;
}

export class KvBlockPool {
  readonly capacityBlocks: number;
  /** Blocks referenced by at least one request. */
  #used = 0;
  /** Cached blocks in use: hash → number of requests holding it. */
  readonly #cachedInUse = new Map<number, number>();
  /** Cached blocks nobody holds, oldest first: free space that still answers prefix lookups. */
  readonly #cachedFree = new Set<number>();
  #queriedTokens = 0;
  #hitTokens = 0;

  constructor(capacityTokens: number) {
    this.capacityBlocks = Math.floor(capacityTokens / BLOCK_TOKENS);
    if (this.capacityBlocks < 1) throw new Error(`KV cache of ${capacityTokens} tokens holds no ${BLOCK_TOKENS}-token block`);
  }

  get usedBlocks(): number {
    return this.#used;
  }

  get freeBlocks(): number {
    return this.capacityBlocks - this.#used;
  }

  /** Takes a reference to the longest cached prefix among the first `maxBlocks` of `hashes`; returns the hashes now held. */
  claimPrefix(hashes: readonly number[], maxBlocks: number): number[] {
    const claimed: number[] = [];
    for (const h of hashes) {
      if (claimed.length >= maxBlocks) break;
      const refs = this.#cachedInUse.get(h);
      if (refs !== undefined) {
        this.#cachedInUse.set(h, refs + 1);
      } else if (this.#cachedFree.delete(h)) {
        this.#cachedInUse.set(h, 1);
        this.#used++;
      } else {
        break;
      }
      claimed.push(h);
    }
    return claimed;
  }

  /** Counts one admitted request's lookup, in tokens as vLLM's prefix-cache counters do. */
  recordLookup(queriedTokens: number, hitTokens: number): void {
    this.#queriedTokens += queriedTokens;
    this.#hitTokens += hitTokens;
  }

  get queriedTokens(): number {
    return this.#queriedTokens;
  }

  get hitTokens(): number {
    return this.#hitTokens;
  }

  /** Takes `n` fresh blocks, evicting unheld cached ones as needed; false (nothing taken) if too few are free. */
  allocate(n: number): boolean {
    if (n > this.freeBlocks) return false;
    this.#used += n;
    let empty = this.capacityBlocks - this.#used - this.#cachedFree.size;
    for (const h of this.#cachedFree) {
      if (empty >= 0) break;
      this.#cachedFree.delete(h);
      empty++;
    }
    return true;
  }

  /**
   * Marks one of the caller's fresh blocks, now fully computed, as the cached block for `hash`.
   * False when that prefix is cached already (the caller's copy stays a plain block, as in vLLM).
   */
  register(hash: number): boolean {
    if (this.#cachedInUse.has(hash) || this.#cachedFree.has(hash)) return false;
    this.#cachedInUse.set(hash, 1);
    return true;
  }

  /** Returns a request's blocks: plain ones become empty, cached ones stay findable until evicted. */
  release(plainBlocks: number, cached: readonly number[]): void {
    this.#used -= plainBlocks;
    for (const h of cached) {
      const refs = this.#cachedInUse.get(h);
      if (refs === undefined) throw new Error(`KV cache: releasing block ${h} that is not held`);
      if (refs > 1) {
        this.#cachedInUse.set(h, refs - 1);
      } else {
        this.#cachedInUse.delete(h);
        this.#cachedFree.add(h);
        this.#used--;
      }
    }
  }
}
