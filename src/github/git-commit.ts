import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerOf, messageOf, segments, type RepoApi, type RestResponse } from './repo-api.ts';
import { isRateLimit, retryDelayMs, type RetryPolicy } from './retry.ts';

// Many files on a branch as ONE commit, through the Git Data API: blobs, a tree on top of the
// head's tree, a commit whose parent is the head, then the ref moved without force. GitHub refuses
// a move that is not a fast-forward (another writer committed since the head was read): the head is
// read again and the commit rebuilt on it, so both writers' files land. Nothing is visible before
// the ref moves, so a publish that fails midway leaves the branch as it was; files whose blob is
// already in the head's tree are not written, and when none is left no commit is made.
// `contents: write` covers every call here.

export interface GitBranchOptions {
  readonly branch: string;
  /** Attempts of one commit before giving up on other writers moving the branch. */
  readonly maxAttempts: number;
  /** Base of the randomised wait between attempts, in milliseconds. */
  readonly retryDelayMs: number;
  /** The waits on 5xx and rate limits of the ref update (its other requests are retried by the API). */
  readonly retry: RetryPolicy;
}

/** The files under a folder of the branch's head: path on the branch → blob sha. */
export interface BranchFiles {
  readonly head: string;
  readonly tree: string;
  readonly blobs: ReadonlyMap<string, string>;
}

/** Git's object id of a blob: sha1 of "blob <size>\0<bytes>" (what GitHub gives the same bytes). */
export function gitBlobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

const prefixed = (dir: string, path: string): string => (dir === '' ? path : `${dir}/${path}`);

export class GitBranch {
  readonly #api: RepoApi;
  readonly #opts: GitBranchOptions;

  constructor(api: RepoApi, opts: GitBranchOptions) {
    if (!Number.isInteger(opts.maxAttempts) || opts.maxAttempts < 1) throw new Error(`${api.location}: maxAttempts must be a whole number ≥ 1, got ${opts.maxAttempts}`);
    this.#api = api;
    this.#opts = opts;
  }

  /** The blobs under `dir` ('' for the whole tree) at the branch's head; null when there is no branch. */
  async files(dir: string): Promise<BranchFiles | null> {
    const head = await this.#api.branchHead(this.#opts.branch);
    return head === null ? null : this.#filesAt(head, dir);
  }

  readBlob(sha: string): Promise<Buffer> {
    return this.#api.blob(sha);
  }

  /**
   * Commits the files (path on the branch → bytes) that differ from the head's as one commit,
   * creating the branch from the default branch when there is none. Returns how many it wrote
   * (0: all were there already, and no commit was made).
   */
  async commit(files: ReadonlyMap<string, Buffer>, message: string): Promise<number> {
    const { branch, maxAttempts } = this.#opts;
    const wanted = [...files].map(([path, bytes]) => ({ path, bytes, sha: gitBlobSha(bytes) }));
    const dir = commonFolder(wanted.map((f) => f.path));
    const uploaded = new Set<string>();
    // A ref update answered 5xx may have landed: the next read of the head shows whether.
    let pending: { commit: string; written: number } | null = null;
    let lastAnswer = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let head = await this.#api.branchHead(branch);
      if (head === null) {
        await this.#api.createBranch(branch);
        head = await this.#api.branchHead(branch);
        if (head === null) throw new Error(`${this.#api.location}: branch ${branch} was created, yet GitHub does not find it`);
      }
      if (pending?.commit === head) return pending.written;
      const current = await this.#filesAt(head, dir);
      const changed = wanted.filter((f) => current.blobs.get(f.path) !== f.sha);
      if (changed.length === 0) return 0;
      for (const f of changed) {
        if (uploaded.has(f.sha)) continue;
        const blob = await this.#create('blobs', { content: f.bytes.toString('base64'), encoding: 'base64' }, `upload ${f.path}`);
        if (blob !== f.sha) throw new Error(`${this.#api.location}: GitHub stored ${f.path} as blob ${blob}, expected ${f.sha}`);
        uploaded.add(f.sha);
      }
      const tree = await this.#create('trees', { base_tree: current.tree, tree: changed.map((f) => ({ path: f.path, mode: '100644', type: 'blob', sha: f.sha })) }, 'create the tree');
      const commit = await this.#create('commits', { message, tree, parents: [head] }, 'create the commit');
      const res = await this.#api.request('PATCH', this.#api.repoPath(`/git/refs/heads/${segments(branch)}`), { sha: commit, force: false });
      if (res.status === 200) return changed.length;
      // 422: not a fast-forward (the branch moved since its head was read): rebuild on the new head.
      const busy = res.status >= 500 || isRateLimit(answerOf(res));
      if (res.status !== 422 && !busy) throw this.#api.error(`move branch ${branch} to the new commit`, res);
      lastAnswer = `HTTP ${res.status} ${messageOf(res)}`;
      if (busy) {
        pending = { commit, written: changed.length };
        const wait = retryDelayMs(answerOf(res), attempt, this.#opts.retry);
        if (wait === null) throw this.#api.error(`move branch ${branch} to the new commit (it may have moved; the next read shows whether)`, res);
        await sleep(wait);
      } else if (attempt < maxAttempts) await sleep(this.#opts.retryDelayMs * attempt * (0.5 + Math.random()));
    }
    throw new Error(`${this.#api.location}: could not commit after ${maxAttempts} attempts: other writers kept moving it, or GitHub kept failing (last answer: ${lastAnswer})`);
  }

  /** Creates a git object (blob, tree or commit) and returns its sha. */
  async #create(kind: 'blobs' | 'trees' | 'commits', body: unknown, what: string): Promise<string> {
    const res = await this.#api.request('POST', this.#api.repoPath(`/git/${kind}`), body, true);
    const sha = (res.json as { sha?: unknown } | null)?.sha;
    if (res.status !== 201 || typeof sha !== 'string') throw this.#api.error(what, res);
    return sha;
  }

  async #filesAt(head: string, dir: string): Promise<BranchFiles> {
    const commit = await this.#get(`/git/commits/${head}`, `read commit ${head}`);
    const tree = (commit as { tree?: { sha?: unknown } }).tree?.sha;
    if (typeof tree !== 'string') throw new Error(`${this.#api.location}: commit ${head} has no tree`);
    // Walk down to the folder one level at a time: a recursive listing of a whole branch may be cut off.
    let at: string | null = tree;
    for (const name of dir === '' ? [] : dir.split('/')) {
      const entries = await this.#tree(at, false);
      at = entries.find((e) => e.path === name && e.type === 'tree')?.sha ?? null;
      if (at === null) return { head, tree, blobs: new Map() };
    }
    const blobs = new Map((await this.#tree(at, true)).filter((e) => e.type === 'blob').map((e) => [prefixed(dir, e.path), e.sha]));
    return { head, tree, blobs };
  }

  async #tree(sha: string, recursive: boolean): Promise<{ path: string; type: string; sha: string }[]> {
    const body = (await this.#get(`/git/trees/${sha}${recursive ? '?recursive=1' : ''}`, `read tree ${sha}`)) as { tree?: unknown; truncated?: unknown };
    if (body.truncated === true) throw new Error(`${this.#api.location}: tree ${sha} is too large for GitHub to list whole; publish to a folder of its own`);
    if (!Array.isArray(body.tree)) throw new Error(`${this.#api.location}: tree ${sha}: GitHub's answer has no entries`);
    return body.tree as { path: string; type: string; sha: string }[];
  }

  async #get(rest: string, what: string): Promise<unknown> {
    const res: RestResponse = await this.#api.request('GET', this.#api.repoPath(rest));
    if (res.status !== 200 || typeof res.json !== 'object' || res.json === null) throw this.#api.error(what, res);
    return res.json;
  }
}

/** The deepest folder that holds every path ('' when they share none). */
function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  let parts = paths[0].split('/').slice(0, -1);
  for (const p of paths.slice(1)) {
    const q = p.split('/').slice(0, -1);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join('/');
}
