import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logSafe } from '../../src/github/log-safe.ts';
import { startManaged } from '../../src/engines/process.ts';

// What the runner reads as a workflow command: `::name ...::` at a line's start (after blanks),
// `##[name ...]` anywhere in a line.
const runnerCommand = (line: string): boolean => /^\s*::[\w-]+/.test(line) || /##\[[\w-]+/.test(line);

test('user text echoed to the log carries no workflow command in either form', () => {
  const hostile = [
    'Qwen/x ##[set-output name=verdict;]pass',
    '::add-mask::ghs_secret',
    '  ::stop-commands::abc',
    'model\n::set-output name=verdict::pass\nok',
    'a ##[add-mask]b ##[stop-commands]c',
  ];
  for (const text of hostile) {
    assert.ok(text.split('\n').some(runnerCommand), `the sample is a command: ${text}`);
    const safe = logSafe(text);
    assert.ok(!safe.split('\n').some(runnerCommand), `still a command: ${JSON.stringify(safe)}`);
    // Readers see the same characters (a zero-width space aside).
    assert.equal(safe.replace(/\u200b/g, ''), text);
  }
  assert.equal(logSafe('sim-vllm: ready after 1.2 s'), 'sim-vllm: ready after 1.2 s');
});

test('engine servers start without the job token, INPUT_* or the runner command files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-env-'));
  try {
    const env = {
      ...process.env,
      'INPUT_GITHUB-TOKEN': 'ghs_leak1',
      INPUT_MODEL: 'm',
      GITHUB_TOKEN: 'ghs_leak2',
      ACTIONS_RUNTIME_TOKEN: 'leak3',
      GITHUB_OUTPUT: '/tmp/out',
      KEEP_ME: 'yes',
    };
    const proc = startManaged({ command: process.execPath, args: ['-e', 'console.log(JSON.stringify(process.env))'], env, logFile: join(dir, 'env.log') });
    await proc.exited;
    const seen = JSON.parse(readFileSync(join(dir, 'env.log'), 'utf8').trim()) as Record<string, string>;
    assert.equal(seen.KEEP_ME, 'yes');
    for (const k of ['INPUT_GITHUB-TOKEN', 'INPUT_MODEL', 'GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'GITHUB_OUTPUT']) assert.equal(seen[k], undefined, k);
    assert.doesNotMatch(JSON.stringify(seen), /ghs_leak/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
