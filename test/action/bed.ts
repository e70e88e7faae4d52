// What every test of the action bundle needs: the installed action, a temp folder, fake GitHub
// servers, workspaces with a scenario file, and one place that tears all of it down.

import { rmSync } from 'node:fs';
import { FakeGitHub } from '../helpers/fake-github.ts';
import {
  installAction,
  killLeftovers,
  makeWorkspace,
  startStep,
  tempFolder,
  type GitHubEvent,
  type InstalledAction,
  type RunningStep,
  type StepResult,
  type Workspace,
} from './harness.ts';

export const REPOSITORY = 'octo-org/octo-repo';
export const TOKEN = 'ghs_job-token-0123456789';
export const SCENARIO_FILE = 'perf-scenarios.yml';

/**
 * Two scenarios, a handful of short requests each: one action run with one simulated engine and
 * two repetitions takes a few seconds. Closed loops keep the sim's timing steady under load.
 */
export const TINY_SCENARIOS = `version: 1
defaults:
  api: completions
  warmup-requests: 1
  timeout-s: 30
scenarios:
  - name: single-stream
    description: One request at a time.
    input: 16
    output: 8
    requests: 4
    load: {concurrency: 1}
    seed: 11
  - name: pair
    description: Two chat users at once.
    api: chat
    input: 24
    output: 8
    requests: 4
    load: {concurrency: 2}
    seed: 12
`;

/** The inputs a workflow would give for a quick simulated run (the rest keep action.yml's defaults). */
export const TINY_INPUTS: Readonly<Record<string, string>> = Object.freeze({
  engines: 'sim-vllm',
  scenarios: SCENARIO_FILE,
  repetitions: '2',
  // The simulated engine has no first-pass slowdown to absorb; test/measure.test.ts covers warm-up.
  'warmup-repetitions': '0',
  'startup-timeout': '60',
});

export interface BedStepOptions {
  readonly event: GitHubEvent;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly workspace: Workspace;
  readonly github: FakeGitHub;
  readonly post?: { readonly state: Readonly<Record<string, string>> };
  readonly timeoutMs?: number;
}

export class TestBed {
  readonly action: InstalledAction;
  readonly dir: string;
  readonly #removeTemp: () => void;
  readonly #fakes: FakeGitHub[] = [];

  private constructor(action: InstalledAction, name: string) {
    this.action = action;
    const temp = tempFolder(name);
    this.dir = temp.dir;
    this.#removeTemp = temp.remove;
  }

  static async create(name: string): Promise<TestBed> {
    return new TestBed(await installAction(), name);
  }

  /** A started fake GitHub for REPOSITORY that accepts only the job token. */
  async github(): Promise<FakeGitHub> {
    const gh = new FakeGitHub(REPOSITORY, { token: TOKEN });
    await gh.start();
    this.#fakes.push(gh);
    return gh;
  }

  workspace(files: Readonly<Record<string, string>> = { [SCENARIO_FILE]: TINY_SCENARIOS }): Workspace {
    return makeWorkspace(files, this.dir);
  }

  start(o: BedStepOptions): RunningStep {
    return startStep({
      action: this.action,
      workspace: o.workspace,
      event: o.event,
      inputs: { ...TINY_INPUTS, ...o.inputs },
      apiUrl: o.github.url,
      token: TOKEN,
      repository: REPOSITORY,
      tempDir: this.dir,
      post: o.post,
      timeoutMs: o.timeoutMs,
    });
  }

  run(o: BedStepOptions): Promise<StepResult> {
    return this.start(o).result;
  }

  /** Kills what is left, stops the fakes, removes the temp folders; returns server groups that had been left alive. */
  async close(): Promise<number[]> {
    const leftovers = await killLeftovers();
    await Promise.all(this.#fakes.map((g) => g.close()));
    this.#removeTemp();
    rmSync(this.action.root, { recursive: true, force: true });
    return leftovers;
  }
}

/** A failure message with the step's log, so a red test shows what the action printed. */
export function explain(step: StepResult): string {
  return `exit ${step.code}${step.signal ? ` (${step.signal})` : ''}\n--- stdout ---\n${step.stdout}\n--- stderr ---\n${step.stderr}`;
}
