import { GITHUB_RETRY, isRateLimit, withRetries, type Answer, type RetryPolicy } from './retry.ts';

// One repository's REST API over plain fetch, for the stores that keep files on a branch (the
// baseline's contents-API store, the dashboard's one-commit publish): the request with GitHub's
// headers, retries of requests that are safe to repeat, errors that name the place and the answer,
// and the branch's head and creation.

export interface RepoApiOptions {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  /** REST API root. */
  readonly apiUrl: string;
  /** Retries of repeatable requests on 5xx, 429 and rate-limit 403s (default GITHUB_RETRY). */
  readonly retry?: RetryPolicy;
  /** What errors name as the place: `owner/repo@branch:path`. */
  readonly location: string;
}

export interface RestResponse {
  readonly status: number;
  readonly json: unknown;
  readonly text: string;
  header(name: string): string | null;
}

/** The REST API root: the one given, else the runner's GITHUB_API_URL, else github.com's. */
export const apiRoot = (apiUrl: string | undefined): string => apiUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com';

/** A path's segments URL-encoded, its slashes kept. */
export const segments = (p: string): string => p.split('/').map(encodeURIComponent).join('/');

export class RepoApi {
  readonly location: string;
  readonly #opts: Required<RepoApiOptions>;

  constructor(opts: RepoApiOptions) {
    this.#opts = { ...opts, retry: opts.retry ?? GITHUB_RETRY };
    this.location = opts.location;
  }

  /** `/repos/owner/repo` + rest. */
  repoPath(rest = ''): string {
    return `/repos/${encodeURIComponent(this.#opts.owner)}/${encodeURIComponent(this.#opts.repo)}${rest}`;
  }

  /**
   * One request. `repeatable` ones (reads; creating git objects, which are content-addressed and
   * harmless when left unreferenced) are retried through GitHub's busy moments; any other write is
   * not, since its answer may be lost after it landed: the caller re-reads to know.
   */
  async request(method: string, path: string, body?: unknown, repeatable = method === 'GET'): Promise<RestResponse> {
    if (!repeatable) return this.#requestOnce(method, path, body);
    return withRetries(
      async () => {
        const res = await this.#requestOnce(method, path, body);
        if (res.status >= 500 || isRateLimit(answerOf(res))) throw res;
        return res;
      },
      (err) => (isResponse(err) ? answerOf(err) : null),
      this.#opts.retry,
    ).catch((err: unknown) => {
      if (isResponse(err)) return err;
      throw err;
    });
  }

  /** The commit sha a branch points at, or null when there is no such branch. */
  async branchHead(branch: string): Promise<string | null> {
    const ref = await this.request('GET', this.repoPath(`/git/ref/heads/${segments(branch)}`));
    if (ref.status === 404) return null;
    const sha = (ref.json as { object?: { sha?: unknown } } | null)?.object?.sha;
    if (ref.status !== 200 || typeof sha !== 'string') throw this.error(`look up branch ${branch}`, ref);
    return sha;
  }

  /** A blob's bytes (the blobs API also serves files the contents API leaves without content, over 1 MB). */
  async blob(sha: string): Promise<Buffer> {
    const res = await this.request('GET', this.repoPath(`/git/blobs/${sha}`));
    const blob = res.json as { encoding?: string; content?: string } | null;
    if (res.status !== 200 || blob?.encoding !== 'base64' || typeof blob.content !== 'string') throw this.error(`read blob ${sha}`, res);
    return Buffer.from(blob.content, 'base64');
  }

  /** Creates `branch` at the default branch's head; another writer creating it first is just as good. */
  async createBranch(branch: string): Promise<void> {
    const repo = await this.request('GET', this.repoPath());
    const defaultBranch = (repo.json as { default_branch?: unknown } | null)?.default_branch;
    if (repo.status !== 200 || typeof defaultBranch !== 'string') throw this.error('find the default branch', repo);
    const head = await this.request('GET', this.repoPath(`/git/ref/heads/${segments(defaultBranch)}`));
    const sha = (head.json as { object?: { sha?: unknown } } | null)?.object?.sha;
    if (head.status !== 200 || typeof sha !== 'string') throw this.error(`read the head of ${defaultBranch}`, head);
    const created = await this.request('POST', this.repoPath('/git/refs'), { ref: `refs/heads/${branch}`, sha });
    // 422 "Reference already exists": another job created it first.
    if (created.status !== 201 && !(created.status === 422 && /already exists/i.test(messageOf(created)))) {
      throw this.error(`create branch ${branch} from ${defaultBranch}`, created);
    }
  }

  error(what: string, res: RestResponse): Error {
    return new Error(`${this.location}: could not ${what}: HTTP ${res.status} ${messageOf(res)}`);
  }

  async #requestOnce(method: string, path: string, body?: unknown): Promise<RestResponse> {
    let res: globalThis.Response;
    try {
      res = await fetch(`${this.#opts.apiUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.#opts.token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'llm-perf-gate',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(`${this.location}: ${method} ${path} failed: ${(err as Error).message}`);
    }
    const text = await res.text();
    const headers = res.headers;
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): the text goes into the message instead.
    }
    return { status: res.status, json, text, header: (name: string) => headers.get(name) };
  }
}

function isResponse(x: unknown): x is RestResponse {
  return typeof x === 'object' && x !== null && 'status' in x && 'header' in x && 'text' in x;
}

export function answerOf(res: RestResponse): Answer {
  return { status: res.status, header: res.header, message: messageOf(res) };
}

export function messageOf(res: RestResponse): string {
  const message = (res.json as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : res.text.slice(0, 200);
}
