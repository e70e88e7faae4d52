// Runs the committed action bundle the way the GitHub runner does: `node dist/index.js` (and the
// post step `node dist/post/index.js`) as a child process, in the workspace, with INPUT_* variables,
// the GITHUB_* context, an event payload file and the file commands (GITHUB_OUTPUT, GITHUB_STATE,
// GITHUB_STEP_SUMMARY) as temp files, and GITHUB_API_URL pointing at a local FakeGitHub. What the
// step leaves behind is read back the way the runner reads it: outputs and state from the file
// commands, annotations from the workflow commands in stdout (honouring ::stop-commands::).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { groupAlive, killGroup } from '../../src/engines/process.ts';
import { PGID_STATE } from '../../src/state.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The lock this project's builds take (`npm run build` starts with `rm -rf dist`). */
const BUILD_LOCK = '/tmp/llm-perf-gate-build.lock';

// ---------- the installed action ----------

export interface InstalledAction {
  /** Where the action's files are, as the runner unpacks them (no node_modules). */
  readonly root: string;
  readonly main: string;
  readonly post: string;
}

/** Files a complete build has; the tokenizer copy is the build's last step. */
const BUNDLE_FILES = ['dist/index.js', 'dist/post/index.js', 'dist/cli/index.js', 'dist/qwen-tokenizer/tokenizer.json'];
const BUNDLE_WAIT_MS = 180_000;

/**
 * Copies the committed bundle (dist/, package.json, action.yml, scenarios/) into a temp folder,
 * as the runner downloads an action: nothing from node_modules is there, so a bundle that still
 * imports a package fails here. Builds start with `rm -rf dist`; the copy is taken under the build
 * lock, and when another engineer's build (with or without the lock) has dist/ half-written, it
 * waits for a complete one, so a run never starts from half a bundle.
 */
export async function installAction(): Promise<InstalledAction> {
  const parts = ['dist', 'package.json', 'action.yml', 'scenarios'];
  const deadline = Date.now() + BUNDLE_WAIT_MS;
  for (;;) {
    const root = mkdtempSync(join(tmpdir(), 'llm-perf-gate-action-'));
    if (BUNDLE_FILES.every((f) => existsSync(join(REPO_ROOT, f)))) {
      const script = parts.map((p) => `cp -R "$1/${p}" "$2/"`).join(' && ');
      const r = spawnSync('flock', ['-s', BUILD_LOCK, 'sh', '-c', script, 'copy', REPO_ROOT, root], { encoding: 'utf8' });
      let copied = r.status === 0;
      if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
        // No flock (macOS): copy without the lock.
        for (const p of parts) cpSync(join(REPO_ROOT, p), join(root, p), { recursive: true });
        copied = true;
      }
      // A failed copy means a build deleted dist/ meanwhile: wait for it to finish.
      if (copied && BUNDLE_FILES.every((f) => existsSync(join(root, f)))) {
        return { root, main: join(root, 'dist', 'index.js'), post: join(root, 'dist', 'post', 'index.js') };
      }
    }
    rmSync(root, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`installAction: no complete bundle in ${REPO_ROOT}dist (${BUNDLE_FILES.join(', ')}): run \`npm run build\` first`);
    await sleep(2_000);
  }
}

// ---------- workspace and events ----------

export interface Workspace {
  readonly dir: string;
  /** The commit checked out (what `git rev-parse HEAD` says). */
  readonly head: string;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'octocat',
  GIT_AUTHOR_EMAIL: 'octocat@example.com',
  GIT_COMMITTER_NAME: 'octocat',
  GIT_COMMITTER_EMAIL: 'octocat@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(dir: string, args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} in ${dir}: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

/** A checked-out repository (a real git commit) holding `files`, as actions/checkout leaves it. */
export function makeWorkspace(files: Readonly<Record<string, string>>, parent: string): Workspace {
  const dir = mkdtempSync(join(parent, 'workspace-'));
  git(dir, ['init', '-q', '-b', 'main']);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--no-gpg-sign', '-m', 'workspace']);
  return { dir, head: git(dir, ['rev-parse', 'HEAD']) };
}

/** Adds a commit to the workspace (e.g. a new push to the PR) and returns its sha. */
export function commitTo(ws: Workspace, name: string, text: string): string {
  writeFileSync(join(ws.dir, name), text);
  git(ws.dir, ['add', '-A']);
  git(ws.dir, ['commit', '-q', '--no-gpg-sign', '-m', `update ${name}`]);
  return git(ws.dir, ['rev-parse', 'HEAD']);
}

/** An event as the runner presents it: its name, payload file contents, GITHUB_REF and GITHUB_SHA. */
export interface GitHubEvent {
  readonly name: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly ref: string;
  readonly sha: string;
  /** Extra variables the runner sets for this event (GITHUB_HEAD_REF, GITHUB_BASE_REF). */
  readonly env?: Readonly<Record<string, string>>;
}

function repositoryPayload(fullName: string): Record<string, unknown> {
  const [owner, name] = fullName.split('/');
  return {
    id: 4242,
    name,
    full_name: fullName,
    private: false,
    owner: { login: owner, type: 'Organization' },
    html_url: `https://github.com/${fullName}`,
    fork: false,
    default_branch: 'main',
  };
}

export interface PullRequestOptions {
  readonly number: number;
  /** owner/name of the repository the PR targets. */
  readonly base: string;
  /** owner/name the PR's branch lives in (a fork when it differs from `base`). */
  readonly head: string;
  readonly headSha: string;
  readonly headRef?: string;
  readonly baseSha?: string;
  /** GITHUB_SHA: the merge commit for pull_request, the base branch's head for pull_request_target. */
  readonly sha: string;
  readonly name?: 'pull_request' | 'pull_request_target';
  readonly action?: 'opened' | 'synchronize' | 'reopened';
}

/** A pull_request (or pull_request_target) event with the fields GitHub sends that the action reads. */
export function pullRequestEvent(o: PullRequestOptions): GitHubEvent {
  const name = o.name ?? 'pull_request';
  const headRef = o.headRef ?? 'feature/faster-decode';
  const baseSha = o.baseSha ?? '1'.repeat(40);
  const headRepo = { ...repositoryPayload(o.head), fork: o.head !== o.base };
  return {
    name,
    ref: name === 'pull_request' ? `refs/pull/${o.number}/merge` : 'refs/heads/main',
    sha: o.sha,
    env: { GITHUB_HEAD_REF: headRef, GITHUB_BASE_REF: 'main' },
    payload: {
      action: o.action ?? 'synchronize',
      number: o.number,
      pull_request: {
        number: o.number,
        state: 'open',
        title: 'Speed up decoding',
        user: { login: 'contributor' },
        html_url: `https://github.com/${o.base}/pull/${o.number}`,
        head: { label: `${o.head.split('/')[0]}:${headRef}`, ref: headRef, sha: o.headSha, repo: headRepo },
        base: { label: `${o.base.split('/')[0]}:main`, ref: 'main', sha: baseSha, repo: repositoryPayload(o.base) },
      },
      repository: repositoryPayload(o.base),
      sender: { login: 'contributor', type: 'User' },
    },
  };
}

/** A push of `sha` to `branch` of `repository`. */
export function pushEvent(repository: string, sha: string, branch = 'main'): GitHubEvent {
  return {
    name: 'push',
    ref: `refs/heads/${branch}`,
    sha,
    payload: {
      ref: `refs/heads/${branch}`,
      before: '0'.repeat(40),
      after: sha,
      head_commit: { id: sha, message: 'Merge pull request #7' },
      repository: repositoryPayload(repository),
      pusher: { name: 'octocat' },
      sender: { login: 'octocat', type: 'User' },
    },
  };
}

/** A scheduled run on the default branch at `sha`. */
export function scheduleEvent(repository: string, sha: string): GitHubEvent {
  return { name: 'schedule', ref: 'refs/heads/main', sha, payload: { schedule: '17 3 * * *', repository: repositoryPayload(repository) } };
}

// ---------- reading what the step left ----------

/**
 * A file command file (GITHUB_OUTPUT, GITHUB_STATE) as the runner reads it: `name<<DELIM` …
 * `DELIM` blocks and plain `name=value` lines. A later value of a name wins.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end < 0) throw new Error(`file command "${heredoc[1]}": no closing delimiter ${heredoc[2]}`);
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`file command line not understood: ${JSON.stringify(line)}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export interface WorkflowCommand {
  readonly command: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly message: string;
}

const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string): string => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** The workflow commands in a step's stdout; lines inside a ::stop-commands:: block are plain text, as for the runner. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let resumeToken: string | null = null;
  for (const line of stdout.split(/\r?\n/)) {
    if (resumeToken !== null) {
      if (line === `::${resumeToken}::`) resumeToken = null;
      continue;
    }
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const [, command, props = '', data] = m;
    if (command === 'stop-commands') {
      resumeToken = data;
      continue;
    }
    const properties: Record<string, string> = {};
    for (const kv of props.split(',').filter(Boolean)) {
      const eq = kv.indexOf('=');
      if (eq > 0) properties[kv.slice(0, eq)] = unescapeProperty(kv.slice(eq + 1));
    }
    commands.push({ command, properties, message: unescapeData(data) });
  }
  return commands;
}

// ---------- running a step ----------

export interface StepOptions {
  readonly action: InstalledAction;
  readonly workspace: Workspace;
  readonly event: GitHubEvent;
  /** Input name (as in action.yml) → value; the runner sets INPUT_<NAME> for each, dashes kept. */
  readonly inputs: Readonly<Record<string, string>>;
  /** GITHUB_API_URL: the fake GitHub's base URL. */
  readonly apiUrl: string;
  /** The job's token: what `${{ github.token }}` (the github-token input's default) evaluates to. */
  readonly token: string;
  /** owner/name for GITHUB_REPOSITORY. */
  readonly repository: string;
  /** Folder for this step's temp files (event payload, file commands). */
  readonly tempDir: string;
  readonly job?: string;
  /** The post step: which entry point runs, and the state the main step saved. */
  readonly post?: { readonly state: Readonly<Record<string, string>> };
  /** Kills the step after this long (a hung step must not hang the suite). */
  readonly timeoutMs?: number;
}

export interface StepResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** GITHUB_OUTPUT, parsed. */
  readonly outputs: Readonly<Record<string, string>>;
  /** GITHUB_STATE, parsed (what the post step will get as STATE_* variables). */
  readonly state: Readonly<Record<string, string>>;
  /** GITHUB_STEP_SUMMARY as written. */
  readonly summary: string;
  readonly commands: readonly WorkflowCommand[];
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Milliseconds from the spawn to the exit. */
  readonly elapsedMs: number;
}

export interface RunningStep {
  readonly child: ChildProcess;
  readonly stateFile: string;
  /** stdout so far. */
  stdout(): string;
  /** GITHUB_STATE so far, parsed ({} while a block is half-written). */
  state(): Record<string, string>;
  readonly result: Promise<StepResult>;
}

/**
 * The runner sets an INPUT_ variable for every input action.yml declares, with its default when
 * the workflow gives none; of the expressions a default may hold, the action uses only github.token.
 */
export function actionDefaults(action: InstalledAction, token: string): Record<string, string> {
  const manifest = parseYaml(readFileSync(join(action.root, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: unknown }> };
  const defaults: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs ?? {})) {
    const value = spec?.default === undefined ? '' : String(spec.default);
    defaults[name] = value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
      if (expr !== 'github.token') throw new Error(`action.yml input "${name}": default expression \${{ ${expr} }} is not known to this harness`);
      return token;
    });
  }
  return defaults;
}

let stepCounter = 0;
const steps: RunningStep[] = [];

// Variables of an enclosing CI job (when these tests themselves run in GitHub Actions) would leak
// inputs, state and file commands into the step under test.
const RUNNER_PREFIXES = ['GITHUB_', 'INPUT_', 'STATE_', 'RUNNER_', 'ACTIONS_', 'NODE_TEST_CONTEXT'];

function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !RUNNER_PREFIXES.some((p) => k.startsWith(p))));
}

/** Starts the main step (or the post step with `post`) and returns at once. */
export function startStep(o: StepOptions): RunningStep {
  const id = `step-${++stepCounter}`;
  const file = (name: string, text = ''): string => {
    const p = join(o.tempDir, `${id}-${name}`);
    writeFileSync(p, text);
    return p;
  };
  const stateFile = file('state');
  const outputFile = file('output');
  const summaryFile = file('summary');
  const [owner] = o.repository.split('/');
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: '__llm-perf-gate',
    GITHUB_ACTION_PATH: o.action.root,
    GITHUB_ACTOR: 'contributor',
    GITHUB_REPOSITORY: o.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_EVENT_NAME: o.event.name,
    GITHUB_EVENT_PATH: file('event.json', JSON.stringify(o.event.payload, null, 2)),
    GITHUB_REF: o.event.ref,
    GITHUB_REF_NAME: o.event.ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\//, ''),
    GITHUB_SHA: o.event.sha,
    GITHUB_WORKSPACE: o.workspace.dir,
    GITHUB_JOB: o.job ?? 'perf',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_NUMBER: '17',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'perf',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: o.apiUrl,
    GITHUB_GRAPHQL_URL: `${o.apiUrl}/graphql`,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STATE: stateFile,
    GITHUB_ENV: file('env'),
    GITHUB_PATH: file('path'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: o.tempDir,
    ...o.event.env,
  };
  const inputs = { ...actionDefaults(o.action, o.token), ...o.inputs };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(o.post?.state ?? {})) env[`STATE_${name}`] = value;

  const started = Date.now();
  const child = spawn(process.execPath, [o.post ? o.action.post : o.action.main], { cwd: o.workspace.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timeoutMs = o.timeoutMs ?? 120_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const readState = (): Record<string, string> => parseFileCommands(readFileSync(stateFile, 'utf8'));
  const step: RunningStep = {
    child,
    stateFile,
    stdout: () => stdout,
    state: () => {
      try {
        return readState();
      } catch {
        return {}; // caught between the lines of a block the step is appending
      }
    },
    result: new Promise<StepResult>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const elapsedMs = Date.now() - started;
        if (signal === 'SIGKILL' && elapsedMs >= timeoutMs) {
          reject(new Error(`the action step did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          return;
        }
        const commands = parseWorkflowCommands(stdout);
        resolve({
          code,
          signal,
          stdout,
          stderr,
          outputs: parseFileCommands(readFileSync(outputFile, 'utf8')),
          state: readState(),
          summary: readFileSync(summaryFile, 'utf8'),
          commands,
          errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
          warnings: commands.filter((c) => c.command === 'warning').map((c) => c.message),
          elapsedMs,
        });
      });
    }),
  };
  steps.push(step);
  return step;
}

export function runStep(o: StepOptions): Promise<StepResult> {
  return startStep(o).result;
}

/** The engine server process groups a step recorded for its post step. */
export function recordedGroups(state: Readonly<Record<string, string>>): number[] {
  const raw = state[PGID_STATE];
  return raw ? (JSON.parse(raw) as number[]) : [];
}

/**
 * For `after` hooks: kills steps still running and any server group a step recorded that is still
 * alive, so a failed assertion never leaves a process behind. Returns the groups it had to kill.
 */
export async function killLeftovers(): Promise<number[]> {
  const killed: number[] = [];
  for (const step of steps) {
    if (step.child.exitCode === null && step.child.signalCode === null) step.child.kill('SIGKILL');
    await step.result.catch(() => undefined);
    for (const g of recordedGroups(step.state()).filter(groupAlive)) {
      killed.push(g);
      await killGroup(g, 1_000);
    }
  }
  steps.length = 0;
  return killed;
}

/** A temp folder for one test file, removed by the returned function. */
export function tempFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `llm-perf-gate-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
