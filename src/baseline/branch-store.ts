import { AlreadyRecordedError, type BaselineDoc } from './history.ts';
import { BASELINE_CODEC, type BaselineStore, type DocCodec } from './store.ts';
import { answerOf, apiRoot, messageOf, RepoApi, segments } from '../github/repo-api.ts';
import { GITHUB_RETRY, isRateLimit, retryDelayMs, type RetryPolicy } from '../github/retry.ts';

// The baseline as a file on a branch of the repository itself (default `perf-baselines`), read and
// written through the REST contents API. Every write names the blob it replaces; when another job
// wrote in between, GitHub answers 409 (or 422 when the file appeared meanwhile), and the update
// starts again from the fresh document, so concurrent writers all land. The branch is created from
// the default branch the first time. The same store keeps other documents on a branch (the gate
// log) through their own codec.

export interface BranchStoreOptions {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly branch?: string;
  /** Path of the document on the branch. */
  readonly path?: string;
  /** REST API root; default GITHUB_API_URL, else https://api.github.com. */
  readonly apiUrl?: string;
  /** Attempts of one update before giving up on conflicts. */
  readonly maxAttempts?: number;
  /** Base of the randomised wait between attempts, in milliseconds. */
  readonly retryDelayMs?: number;
  readonly commitMessage?: string;
  /** Retries of reads on 5xx, 429 and rate-limit 403s (default GITHUB_RETRY). */
  readonly retry?: RetryPolicy;
}

export const DEFAULT_BASELINE_BRANCH = 'perf-baselines';
export const DEFAULT_BASELINE_PATH = 'llm-perf-gate/baseline.json';
/** Defaults of BranchStoreOptions.maxAttempts and retryDelayMs, for every writer to a branch. */
export const BRANCH_WRITE_DEFAULTS = Object.freeze({ maxAttempts: 5, retryDelayMs: 250 });

interface Loaded<T> {
  readonly doc: T | null;
  /** The stored text, to skip a write that would change nothing. */
  readonly text: string | null;
  /** Blob sha of the stored file; null when there is none yet. */
  readonly sha: string | null;
  readonly branchExists: boolean;
}

export class BranchDocStore<T> {
  readonly location: string;
  readonly #opts: Required<BranchStoreOptions>;
  readonly #codec: DocCodec<T>;
  readonly #api: RepoApi;
  /** Whether the branch existed when the document was last read; null before any read. */
  #branchSeen: boolean | null = null;

  constructor(opts: BranchStoreOptions, codec: DocCodec<T>) {
    this.#codec = codec;
    if (!opts.token) throw new Error(`${codec.what} branch store: a GitHub token is required to read and write the ${codec.what} branch`);
    this.#opts = {
      owner: opts.owner,
      repo: opts.repo,
      token: opts.token,
      branch: opts.branch ?? DEFAULT_BASELINE_BRANCH,
      path: opts.path ?? DEFAULT_BASELINE_PATH,
      apiUrl: apiRoot(opts.apiUrl),
      maxAttempts: opts.maxAttempts ?? BRANCH_WRITE_DEFAULTS.maxAttempts,
      retryDelayMs: opts.retryDelayMs ?? BRANCH_WRITE_DEFAULTS.retryDelayMs,
      retry: opts.retry ?? GITHUB_RETRY,
      commitMessage: opts.commitMessage ?? `llm-perf-gate: update ${codec.what}`,
    };
    if (!Number.isInteger(this.#opts.maxAttempts) || this.#opts.maxAttempts < 1) throw new Error(`${codec.what} branch store: maxAttempts must be a whole number ≥ 1, got ${this.#opts.maxAttempts}`);
    this.location = `${opts.owner}/${opts.repo}@${this.#opts.branch}:${this.#opts.path}`;
    this.#api = new RepoApi({ ...this.#opts, location: this.location });
  }

  async read(): Promise<T | null> {
    return (await this.#load()).doc;
  }

  /**
   * The branch is created by the first recording: it exists once a baseline has been written. What
   * the last read found, when there was one (a gate asks right after reading), else a lookup.
   */
  async everWritten(): Promise<boolean> {
    return this.#branchSeen ?? (await this.#branchExists());
  }

  async #branchExists(): Promise<boolean> {
    return (await this.#api.branchHead(this.#opts.branch)) !== null;
  }

  async update(fn: (doc: T | null) => T): Promise<void> {
    const { maxAttempts, branch, commitMessage } = this.#opts;
    const { what } = this.#codec;
    let lastConflict = '';
    // A write answered 5xx or rate-limited may still have landed: it is re-read and re-applied like a
    // conflict, and a history that then holds these results already means that it did.
    let unsure = false;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await this.#load();
      if (!current.branchExists) await this.#api.createBranch(branch);
      let next: T;
      try {
        next = fn(current.doc);
      } catch (err) {
        if (unsure && err instanceof AlreadyRecordedError) return;
        throw err;
      }
      const text = this.#codec.serialize(next);
      if (text === current.text) return;
      // Never write what could not be read back.
      this.#codec.parse(text, `${this.location} (about to be written)`);
      const res = await this.#api.request('PUT', this.#contentsPath(), {
        message: commitMessage,
        content: Buffer.from(text, 'utf8').toString('base64'),
        branch,
        ...(current.sha ? { sha: current.sha } : {}),
      });
      if (res.status === 200 || res.status === 201) return;
      // 409: the file changed since it was read; 422: it appeared although it was absent;
      // 404: the branch vanished. Each means: read again and re-apply.
      const busy = res.status >= 500 || isRateLimit(answerOf(res));
      if (res.status !== 409 && res.status !== 422 && res.status !== 404 && !busy) throw this.#api.error(`write the ${what}`, res);
      unsure ||= busy;
      lastConflict = `HTTP ${res.status} ${messageOf(res)}`;
      if (busy) {
        const wait = retryDelayMs(answerOf(res), attempt, this.#opts.retry);
        if (wait === null) throw this.#api.error(`write the ${what} (it may have landed; the next read shows whether)`, res);
        await sleep(wait);
      } else if (attempt < maxAttempts) await sleep(this.#opts.retryDelayMs * attempt * (0.5 + Math.random()));
    }
    throw new Error(`${this.location}: could not write the ${what} after ${maxAttempts} attempts: other writers kept changing it, or GitHub kept failing (last answer: ${lastConflict})`);
  }

  #contentsPath(): string {
    return this.#api.repoPath(`/contents/${segments(this.#opts.path)}`);
  }

  async #load(): Promise<Loaded<T>> {
    const res = await this.#api.request('GET', `${this.#contentsPath()}?ref=${encodeURIComponent(this.#opts.branch)}`);
    if (res.status === 404) {
      this.#branchSeen = await this.#branchExists();
      return { doc: null, text: null, sha: null, branchExists: this.#branchSeen };
    }
    if (res.status !== 200) throw this.#api.error(`read the ${this.#codec.what}`, res);
    const file = res.json as { type?: string; sha?: string; encoding?: string; content?: string } | null;
    if (file?.type !== 'file' || typeof file.sha !== 'string') throw new Error(`${this.location}: is not a file (GitHub answered type ${JSON.stringify(file?.type)})`);
    // Files over 1 MB come without content from the contents API; the blobs API serves them.
    const bytes = file.encoding === 'base64' && typeof file.content === 'string' ? Buffer.from(file.content, 'base64') : await this.#api.blob(file.sha);
    const text = bytes.toString('utf8');
    this.#branchSeen = true;
    return { doc: this.#codec.parse(text, this.location), text, sha: file.sha, branchExists: true };
  }
}

export class BranchBaselineStore extends BranchDocStore<BaselineDoc> implements BaselineStore {
  constructor(opts: BranchStoreOptions) {
    super({ commitMessage: 'llm-perf-gate: record baseline', ...opts }, BASELINE_CODEC);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
