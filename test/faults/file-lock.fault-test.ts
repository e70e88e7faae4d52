import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileBaselineStore } from '../../src/baseline/file-store.ts';

// Many writers on one file store while writers holding (or waiting for, or writing under) the lock
// are SIGKILLed at random moments: every acknowledged record must be in the history exactly once,
// and no lock or temporary file may outlive the round. LOCK_ROUNDS sets the rounds (default 8).

const WRITERS = 16;
const VICTIMS = 3;
const PER_WRITER = 3;
const ROUNDS = Number(process.env.LOCK_ROUNDS ?? 8);
const writerScript = join(import.meta.dirname, '..', 'baseline', 'store-writer.ts');

interface Writer {
  readonly tag: string;
  readonly acked: string[];
  readonly done: Promise<number | null>;
  kill(): void;
  readonly pid: number;
}

function startWriter(path: string, tag: string, holdMs: number): Writer {
  const child = spawn(process.execPath, [writerScript, path, tag, String(PER_WRITER), String(holdMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let err = '';
  child.stdout.on('data', (b: Buffer) => acked.push(...[...b.toString().matchAll(/^ack (\S+)$/gm)].map((m) => m[1])));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') console.error(`writer ${tag} exited ${code}: ${err}`);
    resolve(code);
  }));
  return { tag, acked, done, pid: child.pid!, kill: () => child.kill('SIGKILL') };
}

test(`${WRITERS} writers and ${VICTIMS} SIGKILLed ones, ${ROUNDS} rounds: every acknowledged record is in the history exactly once`, { timeout: 30 * 60_000 }, async (t) => {
  let killedHolding = 0;
  let killed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const dir = await mkdtemp(join(tmpdir(), 'perf-gate-lock-fault-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'baseline.json');
    const writers = Array.from({ length: WRITERS }, (_, i) => startWriter(path, `r${round}w${i}`, 0));
    const holds = Array.from({ length: VICTIMS }, () => 20 + Math.floor(Math.random() * 200));
    const victims = holds.map((hold, i) => startWriter(path, `r${round}v${i}`, hold));
    // Each victim is killed at a random moment of a hold once the lock names it (inside its update,
    // or as it writes and renames), or, should it not get the lock within 20 s, wherever it is.
    await Promise.all(
      victims.map(async (v, i) => {
        const giveUp = Date.now() + 20_000;
        while (Date.now() < giveUp && !(await readFile(`${path}.lock`, 'utf8').catch(() => '')).includes(`"pid":${v.pid},`)) await sleep(3);
        await sleep(Math.random() * holds[i]);
        const holding = (await readFile(`${path}.lock`, 'utf8').catch(() => '')).includes(`"pid":${v.pid},`);
        if (holding) killedHolding++;
        v.kill();
        killed++;
      }),
    );
    const codes = await Promise.all(writers.map((w) => w.done));
    await Promise.all(victims.map((v) => v.done));
    assert.deepEqual(codes, writers.map(() => 0), `round ${round}: every writer that was not killed succeeded`);

    const shas = ((await new FileBaselineStore(path).read())?.entries ?? []).map((e) => e.sha!);
    const count = new Map<string, number>();
    for (const s of shas) count.set(s, (count.get(s) ?? 0) + 1);
    const twice = [...count].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], `round ${round}: no record twice`);
    for (const w of [...writers, ...victims]) {
      const lost = w.acked.filter((s) => !count.has(s));
      assert.deepEqual(lost, [], `round ${round}: writer ${w.tag}'s acknowledged records are all in the history`);
    }
    assert.equal(writers.reduce((n, w) => n + w.acked.length, 0), WRITERS * PER_WRITER, `round ${round}: every live writer acknowledged all its records`);
    // The next writer cleans up what the killed ones left; then only the history remains.
    await new FileBaselineStore(path, { timeoutMs: 10_000 }).update((doc) => doc!);
    const left = (await readdir(dir)).filter((n) => n !== 'baseline.json');
    assert.deepEqual(left.filter((n) => n.endsWith('.tmp') || n.endsWith('.lock')), [], `round ${round}: no lock or temporary file left behind`);
  }
  console.log(`# ${ROUNDS} rounds: ${ROUNDS * WRITERS * PER_WRITER} records from live writers, ${killed} writers SIGKILLed (${killedHolding} while holding the lock), none lost or doubled`);
});
