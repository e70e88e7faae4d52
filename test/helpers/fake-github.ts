// An in-memory GitHub REST API on a real local HTTP server, for tests of code that talks to GitHub
// (with plain fetch or Octokit). It implements what the action uses — repository info, git refs,
// the contents API with real blob-SHA preconditions and blobs (the baseline branch store); issue
// comments with pagination, GET /user and GraphQL's viewer (the sticky PR comment) — and keeps a
// log of every call. More endpoints can be added with route(); they share the log.

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
  #commits = 0;
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
    this.#commentRoutes();
  }

  /** Back to the initial state: a default branch with a README, no comments, no calls, default logins. */
  reset(): void {
    this.calls = [];
    this.branches.clear();
    this.files.clear();
    this.branches.set(this.defaultBranch, this.#newCommit());
    this.files.set(this.defaultBranch, new Map([['README.md', Buffer.from('# repo\n')]]));
    this.inlineLimit = 1024 * 1024;
    this.userLogin = null;
    this.viewerLogin = null;
    this.writerLogin = 'github-actions[bot]';
    this.readOnly = false;
    this.#conflicts = 0;
    this.#heldReads = null;
    this.#failures = [];
    this.#lost = [];
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

  putFile(branch: string, path: string, text: string): void {
    if (!this.files.has(branch)) {
      this.files.set(branch, new Map());
      this.branches.set(branch, this.#newCommit());
    }
    this.files.get(branch)!.set(path, Buffer.from(text, 'utf8'));
  }

  #newCommit(): string {
    return createHash('sha1').update(`commit ${++this.#commits}`).digest('hex');
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
      const from = [...this.branches].find(([, head]) => head === sha)?.[0];
      if (!from) return { status: 422, body: { message: 'Object does not exist' } };
      this.branches.set(branch, sha);
      this.files.set(branch, new Map(this.files.get(from)));
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
      const commit = this.#newCommit();
      this.branches.set(branch, commit);
      return { status: existing ? 200 : 201, body: { content: { path, sha: blobSha(bytes), size: bytes.length }, commit: { sha: commit, message } } };
    });

    this.route('GET', at('/git/blobs/([0-9a-f]{40})'), ({ match }) => {
      for (const files of this.files.values()) {
        for (const content of files.values()) {
          if (blobSha(content) === match[1]) return { status: 200, body: { sha: match[1], size: content.length, encoding: 'base64', content: content.toString('base64') } };
        }
      }
      return notFound;
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
