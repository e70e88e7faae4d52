import { createHash } from 'node:crypto';
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import type { CommentPolicy } from '../config/inputs.ts';
import { GITHUB_RETRY, isRateLimit, octokitAnswer, withRetries, type RetryPolicy } from './retry.ts';
import { apiRoot } from './repo-api.ts';

// One report comment per pull request and job, edited in place on every run (the way
// marocchino/sticky-pull-request-comment does it): found by a hidden marker AND by being our
// own, so a comment that quotes the marker cannot be hijacked, and left alone when the report
// has not changed, so re-runs do not notify anyone.

const KEY_LIMIT = 64;

/**
 * The sticky comment's key for a job: its id as it is when short enough, else a prefix and a hash
 * of the whole id, so two long job ids that share their first 64 characters never share a comment.
 */
export function commentKey(job: string): string {
  const clean = job.replace(/[^\w./-]/g, '-');
  if (clean === '') return 'report';
  if (clean.length <= KEY_LIMIT && clean === job) return clean;
  const hash = createHash('sha256').update(job).digest('hex').slice(0, 12);
  return `${clean.slice(0, KEY_LIMIT - hash.length - 1)}-${hash}`;
}

/** GitHub rejects longer comment bodies. */
export const GITHUB_COMMENT_MAX = 65_536;

const KEY = /^[A-Za-z0-9_./-]{1,64}$/;
// The login behind GITHUB_TOKEN; GET /user is forbidden to it (and to every installation token).
const ACTIONS_BOT = 'github-actions[bot]';

/** The hidden line that identifies the comment of one job (or matrix leg): `<!-- llm-perf-gate:KEY -->`. */
export function stickyMarker(key: string): string {
  if (!KEY.test(key)) throw new Error(`comment key ${JSON.stringify(key)}: expected 1 to 64 letters, digits, "_", ".", "/" or "-"`);
  return `<!-- llm-perf-gate:${key} -->`;
}

export interface StickyCommentOptions {
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
  /** Pull request (or issue) number. */
  readonly issueNumber: number;
  /** Markdown, already trimmed to COMMENT_LIMIT (report/trim.ts). */
  readonly body: string;
  /** Tells the comments of different jobs apart; default "report". */
  readonly key?: string;
  /** REST API root; default GITHUB_API_URL, else https://api.github.com. */
  readonly apiUrl?: string;
  /** False: only update an existing comment, never start one (see commentDecision). Default true. */
  readonly create?: boolean;
  /** Where the warning for a skipped write goes; default core.warning. */
  readonly warn?: (message: string) => void;
  /** Retries on 5xx, 429 and rate-limit 403s (default GITHUB_RETRY). */
  readonly retry?: RetryPolicy;
}

export type StickyCommentResult =
  | { readonly action: 'created' | 'updated' | 'unchanged'; readonly url: string }
  | { readonly action: 'skipped'; readonly url: string | null; readonly reason: string };

/**
 * What the `comment` input asks for, given whether this run found a regression. With
 * on-regression, an existing comment is still refreshed when all is well again, so a stale red
 * report does not linger on the PR.
 */
export function commentDecision(policy: CommentPolicy, regressed: boolean): 'upsert' | 'update-only' | 'none' {
  if (policy === 'never') return 'none';
  return policy === 'always' || regressed ? 'upsert' : 'update-only';
}

type Octokit = ReturnType<typeof getOctokit>;

function status(err: unknown): number | null {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : null;
}

function sameLogin(a: string, b: string): boolean {
  // REST shows bots as "name[bot]", GraphQL as "name": compare without the suffix.
  const norm = (s: string): string => s.toLowerCase().replace(/\[bot\]$/, '');
  return norm(a) === norm(b);
}

/** The login the token acts as: GET /user (personal tokens), then GraphQL's viewer (app tokens), then github-actions[bot]. */
async function ownLogin(octokit: Octokit): Promise<string> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    // Installation tokens (GITHUB_TOKEN, GitHub Apps) may not read /user; GraphQL still names the viewer.
  }
  try {
    const data = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    if (data.viewer?.login) return data.viewer.login;
  } catch {
    // Some GHES versions refuse this too; the default token's bot is the best remaining guess.
  }
  return ACTIONS_BOT;
}

function normalise(body: string): string {
  return body.replace(/\r\n/g, '\n');
}

/** Creates the report comment, or updates ours in place; a 403 (read-only token) is a skip, not an error. */
export async function upsertStickyComment(opts: StickyCommentOptions): Promise<StickyCommentResult> {
  const marker = stickyMarker(opts.key ?? 'report');
  const body = `${opts.body.replace(/\s+$/, '')}\n\n${marker}`;
  if (body.length > GITHUB_COMMENT_MAX) {
    throw new Error(`the PR comment is ${body.length} characters with its marker, over GitHub's ${GITHUB_COMMENT_MAX}: trim the report with fitToLimit(markdown, COMMENT_LIMIT, note)`);
  }
  const octokit = getOctokit(opts.token, { baseUrl: apiRoot(opts.apiUrl) });
  const where = { owner: opts.owner, repo: opts.repo };
  let step = `list the comments of ${opts.owner}/${opts.repo}#${opts.issueNumber}`;
  // The whole find-then-write is retried, never a bare POST: a create that landed although its
  // answer was lost is found by the next try's listing and updated, not posted twice.
  const attempt = async (): Promise<StickyCommentResult> => {
    step = `list the comments of ${opts.owner}/${opts.repo}#${opts.issueNumber}`;
    const login = await ownLogin(octokit);
    let existing: { id: number; body?: string; html_url: string } | null = null;
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { ...where, issue_number: opts.issueNumber, per_page: 100 });
    for await (const page of pages) {
      existing = page.data.find((c) => c.body?.includes(marker) && c.user && sameLogin(c.user.login, login)) ?? null;
      if (existing) break;
    }
    if (existing) {
      if (normalise(existing.body ?? '') === body) return { action: 'unchanged', url: existing.html_url };
      step = `update comment ${existing.id}`;
      const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body });
      return { action: 'updated', url: data.html_url };
    }
    if (opts.create === false) return { action: 'skipped', url: null, reason: 'no earlier report comment to update, and this run does not start one' };
    step = `comment on ${opts.owner}/${opts.repo}#${opts.issueNumber}`;
    const { data } = await octokit.rest.issues.createComment({ ...where, issue_number: opts.issueNumber, body });
    return { action: 'created', url: data.html_url };
  };
  try {
    return await withRetries(attempt, octokitAnswer, opts.retry ?? GITHUB_RETRY);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const answer = octokitAnswer(err);
    if (answer !== null && isRateLimit(answer)) {
      const reason = `GitHub refused to ${step}: rate limit exceeded (HTTP ${answer.status}: ${message}); the report is in the job summary.`;
      (opts.warn ?? core.warning)(reason);
      return { action: 'skipped', url: null, reason };
    }
    if (status(err) === 403) {
      const reason = `GitHub refused to ${step} (403: ${message}); the token is read-only here, as it is for pull requests from forks. The report is in the job summary.`;
      (opts.warn ?? core.warning)(reason);
      return { action: 'skipped', url: null, reason };
    }
    throw new Error(`could not ${step}: ${message}`, { cause: err });
  }
}
