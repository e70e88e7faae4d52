// An in-memory GitHub REST API on a real local HTTP server, for tests of code that talks to GitHub
// (with plain fetch or Octokit). It implements what the action uses — repository info, git refs,
// the contents API with real blob-SHA preconditions and blobs (the baseline branch store); the Git
// Data API's commits, trees, blobs and ref updates with GitHub's fast-forward check (the dashboard's
// one-commit publish); issue comments with pagination, GET /user and GraphQL's viewer (the sticky
// PR comment) — and keeps a log of every call. More endpoints can be added with route(); they
// share the log. Every commit keeps its tree, so a branch's history can be checked commit by commit.

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Call {
  readonly method: string;
  /** URL path, decoded (e.g. /repos/o/r/contents/dir/file.json). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly status: number;
  /** The Authorization header as sent, or null. */
  readonly authorization: string | null;
}

export interface Comment {
  readonly id: number;
  readonly issue: number;
  body: string;
  readonly html_url: string;
  readonly user: { readonly login: string };
  readonly created_at: string;
  updated_at: string;
}

export interface Request {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Groups of the route's pattern. */
  readonly match: RegExpMatchArray;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (req: Request) => Reply | Promise<Reply>;

/** A commit as the fake keeps it: its tree (path → blob sha, flattened) and parents. */
export interface FakeCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

/** Git's object id of a blob: sha1 of "blob <size>\0<bytes>". */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

const notFound: Reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
const forbidden: Reply = { status: 403, body: { message: 'Resource not accessible by integration' } };
const PAGE_MAX = 100;

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  /** When set, requests must carry this token (Bearer or token scheme); otherwise any token is accepted. */
  readonly token: string | null;
  readonly defaultBranch = 'main';
  calls: Call[] = [];
  /** Branch → head commit sha. */
  readonly branches = new Map<string, string>();
  /** Branch → file path → bytes. */
  readonly files = new Map<string, Map<string, Buffer>>();
  /** Files larger than this are listed without content (GitHub: 1 MB) and must be read as blobs. */
  inlineLimit = 1024 * 1024;
  /** GET /user answers with this login; null: 403, as for installation tokens (GITHUB_TOKEN, apps). */
  userLogin: string | null = null;
  /** GraphQL viewer login; null: GraphQL answers with an error. */
  viewerLogin: string | null = null;
  /** Author of comments created through the API. */
  writerLogin = 'github-actions[bot]';
  /** Writes (POST/PATCH/PUT/DELETE other than GraphQL queries) answer 403, as for fork pull requests. */
  readOnly = false;
  url = '';
  #routes: Route[] = [];
  #server: Server | null = null;
  #commitCount = 0;
  readonly #commits = new Map<string, FakeCommit>();
  /** Tree sha → every blob beneath it, by path relative to the tree. */
  readonly #trees = new Map<string, Map<string, string>>();
  readonly #blobs = new Map<string, Buffer>();
  #interleaved: { method: string; pattern: RegExp; action: () => unknown }[] = [];
  #conflicts = 0;
  #heldReads: { count: number; waiting: (() => void)[] } | null = null;
  #failures: { method: string; pattern: RegExp; replies: Reply[] }[] = [];
  #lost: { method: string; pattern: RegExp; replies: Reply[] }[] = [];
  #comments: Comment[] = [];
  #nextCommentId = 1000;

  /** `repository` is "owner/name". */
  constructor(repository = 'octo-org/octo-repo', opts: { token?: string } = {}) {
    const [owner, repo] = repository.split('/');
    if (!owner || !repo) throw new Error(`fake GitHub: repository must be "owner/name", got "${repository}"`);
    this.owner = owner;
    this.repo = repo;
    this.token = opts.token ?? null;
    this.reset();
    this.#contentRoutes();
    this.#gitDataRoutes();
    this.#commentRoutes();
  }

  /** Back to the initial state: a default branch with a README, no comments, no calls, default logins. */
  reset(): void {
    this.calls = [];
    this.branches.clear();
    this.files.clear();
    this.files.set(this.defaultBranch, new Map([['README.md', Buffer.from('# repo\n')]]));
    this.branches.set(this.defaultBranch, this.#commit(this.files.get(this.defaultBranch)!, [], 'initial commit'));
    this.inlineLimit = 1024 * 1024;
    this.userLogin = null;
    this.viewerLogin = null;
    this.writerLogin = 'github-actions[bot]';
    this.readOnly = false;
    this.#conflicts = 0;
    this.#heldReads = null;
    this.#failures = [];
    this.#lost = [];
    this.#interleaved = [];
    this.#comments = [];
  }

  /** The calls that change something (GraphQL queries are POSTs but read only). */
  writes(): Call[] {
    return this.calls.filter((c) => c.method !== 'GET' && c.path !== '/graphql');
  }

  /** Adds a comment as if `author` had written it; the returned object is the live comment. */
  seedComment(issue: number, body: string, author: string): Comment {
    const id = this.#nextCommentId++;
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, id % 60)).toISOString();
    const comment: Comment = {
      id,
      issue,
      body,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${issue}#issuecomment-${id}`,
      user: { login: author },
      created_at: now,
      updated_at: now,
    };
    this.#comments.push(comment);
    return comment;
  }

  commentsOf(issue: number): Comment[] {
    return this.#comments.filter((c) => c.issue === issue);
  }

  /** Starts listening on 127.0.0.1 (any free port); returns the API base URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.#handle(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
          res.end(body === undefined ? '' : JSON.stringify(body));
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: `fake GitHub: ${err.message}` }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  }

  /** Adds an endpoint; `pattern` is matched against the decoded URL path. Later routes win. */
  route(method: string, pattern: RegExp, handler: Handler): void {
    this.#routes.unshift({ method, pattern, handler });
  }

  /** The next calls matching `method` and `pattern` get these answers, one each, before the API answers again (a 502, a 429 ...). */
  injectFailures(method: string, pattern: RegExp, ...replies: Reply[]): void {
    this.#failures.push({ method, pattern, replies: [...replies] });
  }

  /** The next calls matching `method` and `pattern` take effect, but their answers are replaced by these (a 502 from a proxy after the write landed). */
  loseAnswers(method: string, pattern: RegExp, ...replies: Reply[]): void {
    this.#lost.push({ method, pattern, replies: [...replies] });
  }

  /**
   * Before the next call matching `method` and `pattern` is answered, runs `action` to its end
   * (another writer's whole update, landing between this writer's read and its write).
   */
  interleave(method: string, pattern: RegExp, action: () => unknown): void {
    this.#interleaved.push({ method, pattern, action });
  }

  /** A commit by sha (undefined for one the fake never made). */
  commitOf(sha: string): FakeCommit | undefined {
    return this.#commits.get(sha);
  }

  /** The next `n` writes to the contents API answer 409, as if another writer had just committed. */
  injectConflicts(n: number): void {
    this.#conflicts = n;
  }

  /** Holds file reads until `n` are waiting, so that concurrent writers all read the same version. */
  holdReads(n: number): void {
    this.#heldReads = { count: n, waiting: [] };
  }

  fileText(branch: string, path: string): string | undefined {
    return this.files.get(branch)?.get(path)?.toString('utf8');
  }

  /** Commits one file to a branch (created, without parents, when missing), as another writer would. */
  putFile(branch: string, path: string, text: string): void {
    const parents = this.branches.has(branch) ? [this.branches.get(branch)!] : [];
    if (!this.files.has(branch)) this.files.set(branch, new Map());
    this.files.get(branch)!.set(path, Buffer.from(text, 'utf8'));
    this.branches.set(branch, this.#commit(this.files.get(branch)!, parents, `put ${path}`));
  }

  /** Records a commit of these files (their blobs and trees too); returns its sha. */
  #commit(files: ReadonlyMap<string, Buffer>, parents: readonly string[], message: string): string {
    const flat = new Map<string, string>();
    for (const [path, bytes] of files) {
      const sha = blobSha(bytes);
      this.#blobs.set(sha, bytes);
      flat.set(path, sha);
    }
    const sha = createHash('sha1').update(`commit ${++this.#commitCount}`).digest('hex');
    this.#commits.set(sha, { tree: this.#storeTree(flat), parents: [...parents], message });
    return sha;
  }

  /** Stores a tree and its subtrees; a tree's sha covers its entries' names, kinds and shas, as git's does. */
  #storeTree(flat: ReadonlyMap<string, string>): string {
    const entries: [string, string, string][] = [];
    for (const [name, sub] of subtrees(flat)) entries.push([name, 'tree', this.#storeTree(sub)]);
    for (const [path, sha] of flat) if (!path.includes('/')) entries.push([path, 'blob', sha]);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const sha = createHash('sha1').update(`tree ${JSON.stringify(entries)}`).digest('hex');
    this.#trees.set(sha, new Map(flat));
    return sha;
  }

  /** The files of a commit, as the contents API serves them. */
  #snapshot(commit: string): Map<string, Buffer> {
    const tree = this.#trees.get(this.#commits.get(commit)!.tree)!;
    return new Map([...tree].map(([path, sha]) => [path, this.#blobs.get(sha)!]));
  }

  #isAncestor(ancestor: string, of: string): boolean {
    const seen = new Set<string>();
    const queue = [of];
    while (queue.length > 0) {
      const sha = queue.pop()!;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.#commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  async #handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    let reply: Reply;
    try {
      body = raw === '' ? null : JSON.parse(raw);
      reply = await this.#dispatch(req, path, url.searchParams, body);
    } catch (err) {
      reply = { status: 400, body: { message: `Problems parsing JSON: ${(err as Error).message}` } };
    }
    const authorization = req.headers.authorization ?? null;
    this.calls.push({ method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), body, status: reply.status, authorization });
    return reply;
  }

  async #dispatch(req: IncomingMessage, path: string, query: URLSearchParams, body: unknown): Promise<Reply> {
    const auth = req.headers.authorization;
    if (this.token !== null && auth !== `Bearer ${this.token}` && auth !== `token ${this.token}`) return { status: 401, body: { message: 'Bad credentials' } };
    if (this.readOnly && req.method !== 'GET' && path !== '/graphql') return forbidden;
    const interleaved = this.#interleaved.findIndex((f) => f.method === req.method && f.pattern.test(path));
    if (interleaved >= 0) await this.#interleaved.splice(interleaved, 1)[0].action();
    const failure = this.#failures.find((f) => f.method === req.method && f.pattern.test(path) && f.replies.length > 0);
    if (failure) return failure.replies.shift()!;
    for (const r of this.#routes) {
      const match = r.method === req.method ? path.match(r.pattern) : null;
      if (!match) continue;
      const reply = await r.handler({ method: r.method, path, query, body, match });
      const lost = this.#lost.find((f) => f.method === req.method && f.pattern.test(path) && f.replies.length > 0);
      return lost ? lost.replies.shift()! : reply;
    }
    return notFound;
  }

  /** A pattern for a path under this repository: /repos/owner/repo + rest. */
  #at(rest: string): RegExp {
    return new RegExp(`^${`/repos/${this.owner}/${this.repo}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${rest}$`);
  }

  #contentRoutes(): void {
    const at = (rest: string): RegExp => this.#at(rest);

    this.route('GET', at(''), () => ({
      status: 200,
      body: { name: this.repo, full_name: `${this.owner}/${this.repo}`, default_branch: this.defaultBranch },
    }));

    this.route('GET', at('/git/ref/heads/(.+)'), ({ match }) => {
      const sha = this.branches.get(match[1]);
      return sha ? { status: 200, body: { ref: `refs/heads/${match[1]}`, object: { sha, type: 'commit' } } } : notFound;
    });

    this.route('POST', at('/git/refs'), ({ body }) => {
      const { ref, sha } = (body ?? {}) as { ref?: string; sha?: string };
      const branch = ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
      if (!branch || !sha) return { status: 422, body: { message: 'Invalid request: ref and sha are required' } };
      if (this.branches.has(branch)) return { status: 422, body: { message: 'Reference already exists' } };
      if (!this.#commits.has(sha)) return { status: 422, body: { message: 'Object does not exist' } };
      this.branches.set(branch, sha);
      this.files.set(branch, this.#snapshot(sha));
      return { status: 201, body: { ref, object: { sha, type: 'commit' } } };
    });

    this.route('GET', at('/contents/(.+)'), async ({ match, query }) => {
      await this.#waitForReaders();
      const branch = query.get('ref') ?? this.defaultBranch;
      const files = this.files.get(branch);
      if (!files) return { status: 404, body: { message: `No commit found for the ref ${branch}` } };
      const content = files.get(match[1]);
      if (!content) return notFound;
      const inline = content.length <= this.inlineLimit;
      return {
        status: 200,
        body: {
          type: 'file',
          name: match[1].split('/').at(-1),
          path: match[1],
          sha: blobSha(content),
          size: content.length,
          // GitHub wraps base64 at 60 characters.
          encoding: inline ? 'base64' : 'none',
          content: inline ? (content.toString('base64').match(/.{1,60}/g) ?? []).join('\n') : '',
        },
      };
    });

    this.route('PUT', at('/contents/(.+)'), ({ match, body }) => {
      const path = match[1];
      const { content, sha, branch = this.defaultBranch, message } = (body ?? {}) as { content?: string; sha?: string; branch?: string; message?: string };
      if (typeof content !== 'string' || typeof message !== 'string') return { status: 422, body: { message: 'Invalid request: message and content are required' } };
      const files = this.files.get(branch);
      if (!files) return { status: 404, body: { message: `Branch ${branch} not found` } };
      if (this.#conflicts > 0) {
        this.#conflicts--;
        return { status: 409, body: { message: `${path} does not match ${sha ?? '(none)'}` } };
      }
      const existing = files.get(path);
      if (existing && sha === undefined) return { status: 422, body: { message: 'Invalid request.\n\n"sha" wasn\'t supplied.' } };
      if (existing && sha !== blobSha(existing)) return { status: 409, body: { message: `${path} does not match ${sha}` } };
      if (!existing && sha !== undefined) return { status: 409, body: { message: `${path} does not match ${sha}` } };
      const bytes = Buffer.from(content, 'base64');
      files.set(path, bytes);
      const commit = this.#commit(files, [this.branches.get(branch)!], message);
      this.branches.set(branch, commit);
      return { status: existing ? 200 : 201, body: { content: { path, sha: blobSha(bytes), size: bytes.length }, commit: { sha: commit, message } } };
    });

    this.route('GET', at('/git/blobs/([0-9a-f]{40})'), ({ match }) => {
      const stored = this.#blobs.get(match[1]);
      if (stored) return { status: 200, body: { sha: match[1], size: stored.length, encoding: 'base64', content: stored.toString('base64') } };
      for (const files of this.files.values()) {
        for (const content of files.values()) {
          if (blobSha(content) === match[1]) return { status: 200, body: { sha: match[1], size: content.length, encoding: 'base64', content: content.toString('base64') } };
        }
      }
      return notFound;
    });
  }

  /** The Git Data API: commits, trees, blobs and ref updates, as https://docs.github.com/en/rest/git describes them. */
  #gitDataRoutes(): void {
    const at = (rest: string): RegExp => this.#at(rest);
    const invalid = (message: string): Reply => ({ status: 422, body: { message } });
    const commitBody = (sha: string, c: FakeCommit) => ({ sha, tree: { sha: c.tree }, parents: c.parents.map((p) => ({ sha: p })), message: c.message });

    this.route('GET', at('/git/commits/([0-9a-f]{40})'), ({ match }) => {
      const c = this.#commits.get(match[1]);
      return c ? { status: 200, body: commitBody(match[1], c) } : notFound;
    });

    this.route('GET', at('/git/trees/([0-9a-f]{40})'), ({ match, query }) => {
      const flat = this.#trees.get(match[1]);
      if (!flat) return notFound;
      const recursive = query.has('recursive');
      const tree: { path: string; mode: string; type: string; sha: string; size?: number }[] = [];
      const walk = (entries: ReadonlyMap<string, string>, prefix: string): void => {
        for (const [name, sub] of subtrees(entries)) {
          tree.push({ path: `${prefix}${name}`, mode: '040000', type: 'tree', sha: this.#storeTree(sub) });
          if (recursive) walk(sub, `${prefix}${name}/`);
        }
        for (const [path, sha] of entries) if (!path.includes('/')) tree.push({ path: `${prefix}${path}`, mode: '100644', type: 'blob', sha, size: this.#blobs.get(sha)!.length });
      };
      walk(flat, '');
      return { status: 200, body: { sha: match[1], tree, truncated: false } };
    });

    this.route('POST', at('/git/blobs'), ({ body }) => {
      const { content, encoding = 'utf-8' } = (body ?? {}) as { content?: unknown; encoding?: unknown };
      if (typeof content !== 'string' || (encoding !== 'utf-8' && encoding !== 'base64')) return invalid('Invalid request: content must be a string, encoding utf-8 or base64');
      const bytes = Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8');
      const sha = blobSha(bytes);
      this.#blobs.set(sha, bytes);
      return { status: 201, body: { sha, url: `${this.url}/repos/${this.owner}/${this.repo}/git/blobs/${sha}` } };
    });

    this.route('POST', at('/git/trees'), ({ body }) => {
      const { base_tree: base, tree } = (body ?? {}) as { base_tree?: unknown; tree?: unknown };
      if (base !== undefined && (typeof base !== 'string' || !this.#trees.has(base))) return invalid('base_tree is not a valid tree');
      if (!Array.isArray(tree)) return invalid('Invalid request: tree must be an array');
      const flat = new Map(base === undefined ? [] : this.#trees.get(base as string)!);
      for (const e of tree as { path?: unknown; mode?: unknown; type?: unknown; sha?: unknown; content?: unknown }[]) {
        if (typeof e.path !== 'string' || e.path === '' || e.path.startsWith('/') || e.path.endsWith('/')) return invalid(`tree.path ${JSON.stringify(e.path)} is not a valid path`);
        if (e.mode !== '100644' || e.type !== 'blob') return invalid(`tree entry ${e.path}: only files (mode 100644, type blob) are supported here`);
        if (e.sha === null) flat.delete(e.path);
        else if (typeof e.sha === 'string') {
          if (!this.#blobs.has(e.sha)) return invalid(`tree.sha ${e.sha} is not a valid blob`);
          flat.set(e.path, e.sha);
        } else if (typeof e.content === 'string') {
          const bytes = Buffer.from(e.content, 'utf8');
          this.#blobs.set(blobSha(bytes), bytes);
          flat.set(e.path, blobSha(bytes));
        } else return invalid(`tree entry ${e.path}: sha or content is required`);
      }
      return { status: 201, body: { sha: this.#storeTree(flat), truncated: false } };
    });

    this.route('POST', at('/git/commits'), ({ body }) => {
      const { message, tree, parents = [] } = (body ?? {}) as { message?: unknown; tree?: unknown; parents?: unknown };
      if (typeof message !== 'string' || typeof tree !== 'string') return invalid('Invalid request: message and tree are required');
      if (!this.#trees.has(tree)) return invalid('Tree SHA does not exist');
      if (!Array.isArray(parents) || !parents.every((p) => typeof p === 'string' && this.#commits.has(p))) return invalid('Parent SHA does not exist or is not a commit object');
      const sha = createHash('sha1').update(`commit ${++this.#commitCount}`).digest('hex');
      const commit: FakeCommit = { tree, parents: parents as string[], message };
      this.#commits.set(sha, commit);
      return { status: 201, body: commitBody(sha, commit) };
    });

    this.route('PATCH', at('/git/refs/heads/(.+)'), ({ match, body }) => {
      const branch = match[1];
      const { sha, force = false } = (body ?? {}) as { sha?: unknown; force?: unknown };
      const head = this.branches.get(branch);
      if (head === undefined) return invalid('Reference does not exist');
      if (typeof sha !== 'string' || !this.#commits.has(sha)) return invalid('Object does not exist');
      if (force !== true && !this.#isAncestor(head, sha)) return invalid('Update is not a fast forward');
      this.branches.set(branch, sha);
      this.files.set(branch, this.#snapshot(sha));
      return { status: 200, body: { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } } };
    });
  }

  #commentRoutes(): void {
    const at = (rest: string): RegExp => this.#at(`/issues${rest}`);

    this.route('GET', /^\/user$/, () => (this.userLogin ? { status: 200, body: { login: this.userLogin } } : forbidden));

    this.route('POST', /^\/graphql$/, ({ body }) => {
      const query = (body as { query?: string } | null)?.query ?? '';
      if (/\bviewer\b/.test(query) && this.viewerLogin) return { status: 200, body: { data: { viewer: { login: this.viewerLogin } } } };
      return { status: 200, body: { data: null, errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] } };
    });

    this.route('GET', at('/(\\d+)/comments'), ({ match, query, path }) => {
      const all = this.commentsOf(Number(match[1]));
      const perPage = Math.min(PAGE_MAX, Number(query.get('per_page') ?? 30));
      const page = Number(query.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const links: string[] = [];
      const link = (n: number, rel: string): string => `<${this.url}${path}?per_page=${perPage}&page=${n}>; rel="${rel}"`;
      if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
      if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
      const reply: Reply = { status: 200, body: all.slice((page - 1) * perPage, page * perPage) };
      return links.length ? { ...reply, headers: { link: links.join(', ') } } : reply;
    });

    this.route('POST', at('/(\\d+)/comments'), ({ match, body }) => {
      const text = (body as { body?: unknown } | null)?.body;
      if (typeof text !== 'string') return { status: 422, body: { message: 'Invalid request: body is required' } };
      return { status: 201, body: this.seedComment(Number(match[1]), text, this.writerLogin) };
    });

    this.route('PATCH', at('/comments/(\\d+)'), ({ match, body }) => {
      const comment = this.#comments.find((c) => c.id === Number(match[1]));
      if (!comment) return notFound;
      const text = (body as { body?: unknown } | null)?.body;
      if (typeof text !== 'string') return { status: 422, body: { message: 'Invalid request: body is required' } };
      comment.body = text;
      comment.updated_at = new Date(Date.parse(comment.updated_at) + 1000).toISOString();
      return { status: 200, body: comment };
    });
  }

  async #waitForReaders(): Promise<void> {
    const held = this.#heldReads;
    if (!held) return;
    await new Promise<void>((resolve) => {
      held.waiting.push(resolve);
      if (held.waiting.length >= held.count) {
        this.#heldReads = null;
        for (const release of held.waiting) release();
      }
    });
  }
}

/** The folders among flattened paths: folder name → its files, by path relative to it. */
function subtrees(flat: ReadonlyMap<string, string>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [path, sha] of flat) {
    const i = path.indexOf('/');
    if (i < 0) continue;
    const name = path.slice(0, i);
    if (!out.has(name)) out.set(name, new Map());
    out.get(name)!.set(path.slice(i + 1), sha);
  }
  return out;
}
