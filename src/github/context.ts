import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// What triggered this run, read from the runner's environment and the event payload, and what
// that means for safety: a PR from a fork runs someone else's code on a self-hosted GPU runner,
// and only trusted events may write baselines (else a PR could lower the bar it is judged by).

export interface PullRequestInfo {
  readonly number: number;
  /** owner/name of the head repository; null when the fork has been deleted. */
  readonly headRepo: string | null;
  readonly baseRepo: string;
  readonly headSha: string;
  /** Branch name in the head repository: untrusted text. */
  readonly headRef: string;
  readonly baseRef: string;
  readonly fromFork: boolean;
}

export interface GitHubContext {
  readonly eventName: string;
  readonly repository: { readonly owner: string; readonly repo: string } | null;
  readonly ref: string | null;
  readonly sha: string | null;
  readonly defaultBranch: string | null;
  readonly pullRequest: PullRequestInfo | null;
  /** The commit checked out in the workspace, when it could be read. */
  readonly checkedOutSha: string | null;
  /**
   * A pull_request_target run (base repository's secrets and write token) whose workspace holds
   * something other than GITHUB_SHA — the PR head or merge — or a commit that could not be read.
   */
  readonly prTargetRunsPrCode: boolean;
  /** Push to the default branch, schedule or workflow_dispatch: may write baselines. Never a PR. */
  readonly trustedForBaseline: boolean;
  /** Link to this workflow run (where its artifacts are), when the environment names it. */
  readonly runUrl: string | null;
}

type Env = Readonly<Record<string, string | undefined>>;

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function pullRequestOf(payload: Record<string, unknown>): PullRequestInfo | null {
  const pr = obj(payload.pull_request);
  if (typeof pr.number !== 'number') return null;
  const head = obj(pr.head);
  const base = obj(pr.base);
  const headRepo = str(obj(head.repo).full_name);
  const baseRepo = str(obj(base.repo).full_name) ?? '';
  return {
    number: pr.number,
    headRepo,
    baseRepo,
    headSha: str(head.sha) ?? '',
    headRef: str(head.ref) ?? '',
    baseRef: str(base.ref) ?? '',
    // A deleted head repository can only have been a fork; compare names, not `fork` (a fork's own PRs are not from a fork).
    fromFork: headRepo === null || headRepo.toLowerCase() !== baseRepo.toLowerCase(),
  };
}

/** The context from the environment and an already-read event payload (pure). */
export function parseGitHubContext(env: Env, payload: unknown, checkedOutSha: string | null): GitHubContext {
  const p = obj(payload);
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const ref = str(env.GITHUB_REF);
  const sha = str(env.GITHUB_SHA);
  const defaultBranch = str(obj(p.repository).default_branch);
  const pushToDefault = eventName === 'push' && defaultBranch !== null && ref === `refs/heads/${defaultBranch}`;
  const server = str(env.GITHUB_SERVER_URL);
  const runId = str(env.GITHUB_RUN_ID);
  return {
    eventName,
    repository: owner && repo ? { owner, repo } : null,
    ref,
    sha,
    defaultBranch,
    pullRequest: pullRequestOf(p),
    checkedOutSha,
    prTargetRunsPrCode: eventName === 'pull_request_target' && (checkedOutSha === null || checkedOutSha !== sha),
    trustedForBaseline: pushToDefault || eventName === 'schedule' || eventName === 'workflow_dispatch',
    runUrl: server && owner && repo && runId ? `${server}/${owner}/${repo}/actions/runs/${runId}` : null,
  };
}

/** `git rev-parse HEAD` in the workspace, or null (no git, no repository, no commit). */
export function readCheckedOutSha(workspace: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', '--verify', 'HEAD'], { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return /^[0-9a-f]{40,64}$/.test(out.trim()) ? out.trim() : null;
  } catch {
    return null;
  }
}

/**
 * The context of this run: GITHUB_EVENT_PATH's payload (none outside Actions), the GITHUB_*
 * variables and the commit checked out in GITHUB_WORKSPACE (or the current directory).
 */
export function readGitHubContext(env: Env = process.env): GitHubContext {
  let payload: unknown = {};
  const file = env.GITHUB_EVENT_PATH;
  if (file) {
    try {
      payload = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`GITHUB_EVENT_PATH ${file}: cannot read the event payload as JSON (${(err as Error).message})`);
    }
  }
  return parseGitHubContext(env, payload, readCheckedOutSha(env.GITHUB_WORKSPACE ?? process.cwd()));
}

/**
 * Throws, explaining the risk, when this run would execute code from a fork's pull request on
 * this runner, unless the workflow opted in with allow-fork-prs.
 */
export function assertSafeToRun(ctx: GitHubContext, allowForkPrs: boolean): void {
  const pr = ctx.pullRequest;
  if (!pr || !pr.fromFork || allowForkPrs) return;
  // pull_request_target that checks out the base code runs none of the fork's code.
  if (ctx.eventName === 'pull_request_target' && !ctx.prTargetRunsPrCode) return;
  const from = `pull request #${pr.number} from the fork ${pr.headRepo ?? '(deleted repository)'}`;
  const optIn =
    'Benchmark fork PRs only after a maintainer has reviewed them (e.g. a label-gated workflow that checks out a reviewed sha), ' +
    'or set the input allow-fork-prs: true if this runner is ephemeral and holds nothing worth stealing.';
  if (ctx.eventName === 'pull_request_target') {
    throw new Error(
      `llm-perf-gate refuses to run: this pull_request_target run has checked out code from ${from}. ` +
        `That code would run on this self-hosted GPU runner with the base repository's secrets and a write token, ` +
        `and could read other jobs' files on the machine or leave something behind for later jobs. ${optIn}`,
    );
  }
  throw new Error(
    `llm-perf-gate refuses to run ${from}: its code (and the scenario file and engine arguments it may change) would run ` +
      `on this self-hosted GPU runner, which keeps its disk, caches and model weights between jobs: it could read other jobs' ` +
      `files and credentials left on the machine or tamper with later runs. ${optIn}`,
  );
}
