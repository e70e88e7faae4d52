import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../src/paths.ts';
import type { Comparison } from '../src/types.ts';

// A run in which every request fails measured nothing: the CLI must fail it (exit 3, the scenario
// named with its failures) and must not record it, even in baseline mode. (Fewer failures than all,
// above max-failure-rate, are covered in test/compare/verdict.test.ts.) The simulated engine
// gets a 64-token context (`--kv-tokens 64`) and the scenario asks for 200-token prompts, so it
// answers every request with HTTP 400 as vLLM does, after a readiness check that fits.

const TOO_LONG = `version: 1
scenarios:
  - name: too-long
    description: Prompts longer than the engine's context, so every request is refused.
    input: 200
    output: 8
    requests: 3
    load: {concurrency: 1}
    seed: 7
    slo: {ttft-ms: 5000}
`;

const run = promisify(execFile);

test('every request failing: exit 3, the scenario named as an error, nothing recorded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-failures-'));
  try {
    writeFileSync(join(dir, 'too-long.yml'), TOO_LONG);
    const baseline = join(dir, 'baseline.json');
    const out = join(dir, 'out');
    const args = [join(packageRoot(), 'src', 'cli.ts'), 'run', '--engines', 'sim-vllm', '--sim-args', '--kv-tokens 64', '--scenarios', join(dir, 'too-long.yml'), '--repetitions', '2', '--runs', '1', '--warmup-repetitions', '0', '--mode', 'baseline', '--baseline', baseline, '--out', out];
    const result = await run(process.execPath, args, { cwd: packageRoot(), timeout: 120_000 }).then(
      (r) => ({ code: 0, text: r.stdout + r.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, text: err.stdout + err.stderr }),
    );
    assert.equal(result.code, 3, result.text);
    assert.match(result.text, /baseline: .*the baseline was left as it was/);
    assert.equal(existsSync(baseline), false, 'nothing was recorded');
    const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as Comparison;
    assert.equal(comparison.gate.passed, false);
    assert.equal(comparison.gate.verdict, 'error');
    assert.match(comparison.gate.reasons.join('\n'), /every request of scenario "too-long" failed|too-long: 6 of 6 requests failed/);
    assert.equal(comparison.engines[0].verdict, 'error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const SOME_TOO_LONG = `version: 1
scenarios:
  - name: mixed
    description: Prompts of 8 to 120 tokens against a 64-token context, so some requests are refused.
    input: {uniform: [8, 120]}
    output: 4
    requests: 8
    load: {concurrency: 1}
    seed: 7
    slo: {ttft-ms: 5000}
`;

test('some requests failing above max-failure-rate: exit 3, the scenario named with its failures, nothing recorded; allowed, it records', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-failures-'));
  try {
    writeFileSync(join(dir, 'mixed.yml'), SOME_TOO_LONG);
    const baseline = join(dir, 'baseline.json');
    const args = (out: string, extra: string[]) => [join(packageRoot(), 'src', 'cli.ts'), 'run', '--engines', 'sim-vllm', '--sim-args', '--kv-tokens 64', '--scenarios', join(dir, 'mixed.yml'), '--repetitions', '2', '--runs', '1', '--warmup-repetitions', '0', '--mode', 'baseline', '--baseline', baseline, '--out', join(dir, out), ...extra];
    const exec = (a: string[]) => run(process.execPath, a, { cwd: packageRoot(), timeout: 120_000 }).then((r) => ({ code: 0, text: r.stdout + r.stderr }), (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, text: err.stdout + err.stderr }));
    const strict = await exec(args('strict', []));
    assert.equal(strict.code, 3, strict.text);
    assert.equal(existsSync(baseline), false, 'nothing was recorded');
    const comparison = JSON.parse(readFileSync(join(dir, 'strict', 'comparison.json'), 'utf8')) as Comparison;
    assert.match(comparison.gate.reasons.join('\n'), /^sim-vllm \/ mixed: \d+ of 16 requests failed \(\d+(\.\d)?%, more than max-failure-rate 0%\): \d+× http 400$/);
    const allowed = await exec(args('allowed', ['--max-failure-rate', '1']));
    assert.equal(allowed.code, 0, allowed.text);
    assert.ok(existsSync(baseline), 'recorded once the failures are allowed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
