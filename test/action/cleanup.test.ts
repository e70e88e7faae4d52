// No engine server outlives the job: the post step kills every process group the main step
// recorded in its state, and a cancelled job (the runner's SIGINT, then SIGTERM 7.5 s later)
// stops the server group in time.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeGitHub } from '../helpers/fake-github.ts';
import { groupAlive, killGroup } from '../../src/engines/process.ts';
import { PGID_STATE } from '../../src/state.ts';
import type { RunResult } from '../../src/types.ts';
import { REPOSITORY, SCENARIO_FILE, TestBed, explain } from './bed.ts';
import { parseFileCommands, pullRequestEvent, recordedGroups, type GitHubEvent, type Workspace } from './harness.ts';

/** The runner sends SIGTERM this long after SIGINT, and kills the step soon after. */
const RUNNER_SIGTERM_AFTER_MS = 7_500;

// One scenario of about a minute (40 sequential requests of 64 tokens): the cancel lands mid-measurement.
const LONG_SCENARIO = `version: 1
scenarios:
  - name: long-decode
    description: Long enough to be cancelled halfway.
    api: completions
    input: 16
    output: 64
    requests: 40
    warmup-requests: 1
    load: {concurrency: 1}
    seed: 21
`;

let bed: TestBed;
let gh: FakeGitHub;
const strays: number[] = [];

before(async () => {
  bed = await TestBed.create('cleanup');
  gh = await bed.github();
});
after(async () => {
  for (const g of strays) await killGroup(g, 1_000);
  assert.deepEqual(await bed?.close(), [], 'no engine server left running');
});

const prEvent = (ws: Workspace, n: number): GitHubEvent => pullRequestEvent({ number: n, base: REPOSITORY, head: REPOSITORY, headSha: 'd'.repeat(40), sha: ws.head });

/** A stand-in server in its own process group: a leader and a child it forked, both idle. Returns the pgid and both pids. */
async function startServerGroup(): Promise<{ pgid: number; pids: number[] }> {
  const script = `
    const { spawn } = require('node:child_process');
    const worker = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    process.stdout.write(worker.pid + '\\n');
    setInterval(() => {}, 1000);`;
  const leader = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const [line] = (await once(leader.stdout!, 'data')) as [Buffer];
  leader.stdout!.destroy();
  leader.unref();
  const pgid = leader.pid!;
  strays.push(pgid);
  return { pgid, pids: [pgid, Number(String(line).trim())] };
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** GITHUB_STATE as @actions/core's saveState writes it. */
const stateFileText = (name: string, value: string): string => `${name}<<ghadelimiter_4f1c\n${value}\nghadelimiter_4f1c\n`;

describe('post step', () => {
  test('kills the recorded server group, leader and forked worker alike', async () => {
    const { pgid, pids } = await startServerGroup();
    assert.ok(groupAlive(pgid) && pids.every(pidAlive));
    // The runner reads the main step's GITHUB_STATE and hands it to the post step as STATE_<name>.
    const state = parseFileCommands(stateFileText(PGID_STATE, JSON.stringify([pgid])));
    const ws = bed.workspace();
    const step = await bed.run({ workspace: ws, github: gh, event: prEvent(ws, 41), post: { state } });
    assert.equal(step.code, 0, explain(step));
    assert.equal(groupAlive(pgid), false, 'the group is gone');
    assert.deepEqual(step.warnings, [`post: engine server group ${pgid} was still running: terminated`]);

    // Run again (a re-run of the job): nothing left to kill, nothing to say.
    const again = await bed.run({ workspace: ws, github: gh, event: prEvent(ws, 41), post: { state } });
    assert.equal(again.code, 0, explain(again));
    assert.deepEqual(again.commands, []);
  });

  test('with no state (the main step started nothing) it does nothing', async () => {
    const ws = bed.workspace();
    const step = await bed.run({ workspace: ws, github: gh, event: prEvent(ws, 42), post: { state: {} } });
    assert.equal(step.code, 0, explain(step));
    assert.deepEqual(step.commands, []);
  });
});

describe('cancellation', () => {
  test('SIGINT mid-measurement stops the sim server group within the runner’s 7.5 s, and the step ends', async (t) => {
    const ws = bed.workspace({ [SCENARIO_FILE]: LONG_SCENARIO });
    const running = bed.start({ workspace: ws, github: gh, event: prEvent(ws, 43), timeoutMs: 90_000 });

    // Mid-measurement: the server's group is in GITHUB_STATE and requests are being counted.
    let pgid = 0;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      [pgid = 0] = recordedGroups(running.state());
      if (pgid && /long-decode \d+\/40 requests/.test(running.stdout())) break;
      if (running.child.exitCode !== null) break;
    }
    assert.ok(pgid > 0 && /long-decode \d+\/40 requests/.test(running.stdout()), `the run reached the measurement\n${running.stdout()}`);
    strays.push(pgid);
    assert.ok(groupAlive(pgid));
    assert.doesNotMatch(running.stdout(), /long-decode 40\/40 requests/, 'still measuring');

    const cancelledAt = Date.now();
    running.child.kill('SIGINT');
    while (groupAlive(pgid) && Date.now() - cancelledAt < RUNNER_SIGTERM_AFTER_MS) await sleep(50);
    const goneAfterMs = Date.now() - cancelledAt;
    assert.equal(groupAlive(pgid), false, `the server group ${pgid} outlived the runner's grace (${goneAfterMs} ms)`);

    const step = await running.result;
    const exitedAfterMs = Date.now() - cancelledAt;
    t.diagnostic(`server group gone ${goneAfterMs} ms after SIGINT; the step exited after ${exitedAfterMs} ms`);
    assert.equal(step.signal, null, `the step exited by itself, not by a signal\n${explain(step)}`);
    assert.equal(step.code, 1, `a cancelled run is a failed step\n${explain(step)}`);
    assert.ok(step.warnings.includes('received SIGINT: stopping 1 engine server group(s)'), explain(step));
    // Reported as what it is: a cancelled, partial run, never as a pass.
    assert.equal(step.outputs.verdict, 'cancelled');
    assert.match(step.summary, /^## ❌ LLM performance: failed — cancelled/m);
    const results = JSON.parse(readFileSync(join(ws.dir, step.outputs['results-path']), 'utf8')) as RunResult;
    assert.equal(results.partial, true);
    assert.deepEqual(results.engines.map((e) => [e.engine, e.status]), [['sim-vllm', 'failed']]);
    assert.ok(step.errors.some((e) => e.startsWith('performance gate failed (cancelled):')), explain(step));

    // The post step that follows finds nothing left to kill.
    const post = await bed.run({ workspace: ws, github: gh, event: prEvent(ws, 43), post: { state: step.state } });
    assert.equal(post.code, 0, explain(post));
    assert.deepEqual(post.commands, []);
  });
});
