import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { groupAlive, killGroup } from '../../src/engines/process.ts';
import type { RunResult } from '../../src/types.ts';
import { longScenario, serverGroups, startCli } from './helpers.ts';

// Faults against `llm-perf-gate run` on the simulated engine, one real process tree each: whatever
// the signal and whenever it lands, the run ends inside the runner's 7.5 s window, no engine group
// is left, and what was measured is on disk, marked partial. `npm run test:faults`.

const RUNNER_WINDOW_MS = 7_500;
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-faults-'));
const strays: number[] = [];
after(async () => {
  for (const g of strays) await killGroup(g, 500).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function setup(scenario = longScenario()): { scenarios: string; out: string; args: string[] } {
  const scenarios = join(dir, `s${++n}.yml`);
  writeFileSync(scenarios, scenario);
  const out = join(dir, `out${n}`);
  return { scenarios, out, args: ['--engines', 'sim-vllm', '--scenarios', scenarios, '--repetitions', '2', '--warmup-repetitions', '0', '--warm-start', 'false', '--out', out] };
}

const results = (out: string): RunResult => JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult;

async function gone(pgid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(25)) if (!groupAlive(pgid)) return true;
  return !groupAlive(pgid);
}

describe('signals mid-measurement', () => {
  for (const [signal, times] of [['SIGINT', 1], ['SIGINT', 2], ['SIGINT', 3], ['SIGTERM', 1]] as const) {
    it(`${times}× ${signal}: ends within 7.5 s, engine group gone, partial results written`, async (t) => {
      const { out, args } = setup();
      const run = startCli(args);
      await run.waitFor(/long-decode \d+\/20 requests/);
      const [pgid] = serverGroups(run.child.pid!);
      assert.ok(pgid > 0, run.output());
      strays.push(pgid);
      const sentAt = Date.now();
      for (let i = 0; i < times; i++) {
        run.child.kill(signal);
        await sleep(150);
      }
      const exit = await run.exited;
      t.diagnostic(`exited ${exit.at - sentAt} ms after the first ${signal}`);
      assert.ok(exit.at - sentAt < RUNNER_WINDOW_MS, `exited ${exit.at - sentAt} ms after the first ${signal}\n${run.output()}`);
      // A repeat that lands once everything is written, while Node is already exiting, meets the
      // default action (the exit status says SIGINT); before that, every signal is handled.
      if (exit.signal !== null) assert.ok(times > 1 && /^report: /m.test(run.output()), `killed by ${exit.signal} before the results were written\n${run.output()}`);
      else assert.equal(exit.code, 3, run.output());
      assert.equal(groupAlive(pgid), false, 'the engine group is gone');
      const r = results(out);
      assert.equal(r.partial, true);
      assert.deepEqual(r.engines.map((e) => [e.engine, e.status, e.error]), [['sim-vllm', 'failed', 'cancelled']]);
    });
  }

  it('SIGKILL of the CLI: the engine group is gone within seconds (watchdog + orphaned sim)', async (t) => {
    const { args } = setup();
    const run = startCli(args);
    await run.waitFor(/long-decode \d+\/20 requests/);
    const [pgid] = serverGroups(run.child.pid!);
    assert.ok(pgid > 0, run.output());
    strays.push(pgid);
    const killedAt = Date.now();
    run.child.kill('SIGKILL');
    assert.ok(await gone(pgid, 5_000), `group ${pgid} still alive ${Date.now() - killedAt} ms after SIGKILL`);
    t.diagnostic(`engine group gone ${Date.now() - killedAt} ms after SIGKILL`);
  });
});

describe('signals before and after the measurement', () => {
  it('SIGINT during start-up: a cancelled start, not "killed by SIGTERM before it was ready"', async (t) => {
    const { out, args } = setup();
    const run = startCli(args);
    await run.waitFor(/sim-vllm: starting /);
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const exit = await run.exited;
    t.diagnostic(`exited ${exit.at - sentAt} ms after SIGINT`);
    assert.ok(exit.at - sentAt < RUNNER_WINDOW_MS, `${exit.at - sentAt} ms`);
    assert.equal(exit.code, 3, run.output());
    assert.doesNotMatch(run.output(), /before it was ready/);
    const r = results(out);
    assert.equal(r.partial, true);
    assert.equal(r.engines[0]?.error, 'cancelled');
  });

  it('SIGINT during prompt synthesis (4,000 long prompts): heard at once, partial results written, "cancelled" and never "passed"', async (t) => {
    const { out, args } = setup(longScenario({ input: 4000, requests: 4000 }));
    // With a baseline file, as in a pull request: an empty comparison must not read as a pass.
    const run = startCli([...args, '--baseline', join(dir, 'synthesis-baseline.json')]);
    await run.waitFor(/^plan: /m);
    // A long synthesis says how far it got.
    await run.waitFor(/^preparing prompts: [\d,]+ of 16,000 \(\d+%\)$/m, 20_000);
    assert.doesNotMatch(run.output(), /starting/, 'still synthesizing prompts');
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const exit = await run.exited;
    t.diagnostic(`exited ${exit.at - sentAt} ms after SIGINT`);
    assert.ok(exit.at - sentAt < 2_000, `exited ${exit.at - sentAt} ms after SIGINT\n${run.output()}`);
    assert.equal(exit.code, 3, run.output());
    const r = results(out);
    assert.equal(r.partial, true);
    assert.deepEqual(r.engines, []);
    assert.match(run.output(), /^❌ gate: failed — cancelled before any engine started/m);
    assert.doesNotMatch(run.output() + readFileSync(join(out, 'report.md'), 'utf8'), /passed/);
  });

  it('SIGINT while the baseline is locked by another live writer: results on disk, history and lock untouched, ends in time', async (t) => {
    const { out, args } = setup(longScenario({ requests: 4, output: 16 }));
    const baseline = join(dir, 'locked-baseline.json');
    const lock = `${baseline}.lock`;
    const lockText = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
    writeFileSync(lock, lockText);
    const run = startCli([...args, '--baseline', baseline, '--mode', 'baseline']);
    await run.waitFor(/^results: /m);
    await sleep(300);
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const exit = await run.exited;
    t.diagnostic(`exited ${exit.at - sentAt} ms after SIGINT (code ${exit.code})`);
    assert.ok(exit.at - sentAt < RUNNER_WINDOW_MS, `${exit.at - sentAt} ms`);
    assert.ok(exit.at - sentAt < 2_000, 'the wait for the lock ends at the signal');
    assert.equal(exit.code, 1, run.output());
    assert.match(run.output(), /cancelled while waiting for the baseline lock; the baseline was left as it was/);
    assert.equal(results(out).partial, false, 'the finished measurement was written whole');
    assert.ok(existsSync(join(out, 'report.md')));
    assert.equal(existsSync(baseline), false, 'no history was written');
    assert.equal(readFileSync(lock, 'utf8'), lockText, 'the other writer\'s lock is left alone');
    rmSync(lock);
  });
});

describe('a frozen engine (SIGSTOP)', () => {
  it('with timeout-s 3 every request ends at the deadline; a repetition with nothing measured fails the engine, and the frozen group is stopped', async (t) => {
    // Short answers: repetition 1 completes in a moment; the engine freezes as repetition 2 begins.
    const { out, args } = setup(longScenario({ output: 16, requests: 8, load: '{concurrency: 4}', 'timeout-s': 3 }));
    // One engine start, so that repetition 2 runs on the server that froze.
    const run = startCli([...args, '--records', '--runs', '1']);
    await run.waitFor(/rep 1\/2 · long-decode 8\/8 requests/);
    const [pgid] = serverGroups(run.child.pid!);
    strays.push(pgid);
    process.kill(-pgid, 'SIGSTOP');
    const stoppedAt = Date.now();
    const exit = await run.exited;
    // Repetition 2: two waves of 4 requests, each ended by its 3 s deadline (10.5 s each before).
    const tookS = (exit.at - stoppedAt) / 1000;
    t.diagnostic(`run ended ${tookS} s after the engine froze`);
    assert.ok(tookS >= 5 && tookS < 15, `the run ended ${tookS} s after the engine froze\n${run.output()}`);
    assert.equal(exit.code, 3, run.output());
    const r = results(out);
    assert.equal(r.partial, true);
    assert.match(r.engines[0].error ?? '', /every request of scenario "long-decode" failed in rep 2\/2 \(8× timeout\): nothing was measured/);
    assert.equal(r.engines[0].repetitions.length, 1, 'repetition 1 was measured and kept');
    assert.equal(groupAlive(pgid), false, 'the stopped group was stopped for good');
  });
});
