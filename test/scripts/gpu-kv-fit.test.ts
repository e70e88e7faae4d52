import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// scripts/gpu-kv-fit.sh runs the CLI once per cache size and reads the card's peak from each run's
// results.json. Here NODE is a stand-in CLI whose card holds 15,000 MiB of weights plus 0.056 MiB
// per KV token (Qwen2.5-7B's 56 KiB), so the size that fits a budget is known, and the script's
// bracketing, bisection and reading of failed runs can be checked against it.

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

function fakeHost(failAbove: number | null): { env: NodeJS.ProcessEnv; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kv-fit-'));
  mkdirSync(join(dir, 'model'));
  writeFileSync(join(dir, 'model', 'config.json'), '{}');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'nvidia-smi'), '#!/bin/sh\nexit 0\n');
  // The stand-in CLI: `run … --transformers-args "… --cb-num-blocks N --cb-block-size B …" … --out DIR`.
  const cli = `#!/usr/bin/env bash
args="$*"; out=""; prev=""
for a in "$@"; do [[ $prev == --out ]] && out=$a; prev=$a; done
n=$(sed -n 's/.*--cb-num-blocks \\([0-9]*\\).*/\\1/p' <<<"$args"); b=$(sed -n 's/.*--cb-block-size \\([0-9]*\\).*/\\1/p' <<<"$args")
peak=$(awk -v t=$((n * b)) 'BEGIN { printf "%d", 15000 + 0.056 * t }')
failed=0; [[ -n "${failAbove ?? ''}" ]] && (( n * b > ${failAbove ?? 0} )) && failed=1
mkdir -p "$out"
printf '{"engines":[{"status":"ok","pooled":[{"requests":4,"completed":%d,"failed":%d,"telemetry":{"peakGpuMemoryMiB":%d}}]}]}' $((4 - failed)) $failed $peak > "$out/results.json"
`;
  writeFileSync(join(dir, 'bin', 'fake-node'), cli);
  chmodSync(join(dir, 'bin', 'nvidia-smi'), 0o755);
  chmodSync(join(dir, 'bin', 'fake-node'), 0o755);
  const out = join(dir, 'out');
  return { out, env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}`, NODE: join(dir, 'bin', 'fake-node'), MODEL_DIR: join(dir, 'model'), OUT_DIR: out, MEMORY_GIB: '20', START_TOKENS: '200000', RESOLUTION: '0.05' } };
}

const tokensFitting = Math.floor((20 * 1024 - 15000) / 0.056); // 97,857

test('gpu-kv-fit: halves from the start until a size fits, then bisects to the resolution below the true limit', async () => {
  const { env, out } = fakeHost(null);
  const { stdout } = await run('bash', [join(root, 'scripts/gpu-kv-fit.sh')], { env });
  const m = /transformers KV in 20 GiB: (\d+) tokens fit \((\d+) blocks of 16\), (\d+) did not/.exec(stdout);
  assert.ok(m, stdout);
  const [fit, notFit] = [Number(m[1]), Number(m[3])];
  assert.ok(fit <= tokensFitting && notFit > tokensFitting, `${fit} fits, ${notFit} does not, truth ${tokensFitting}`);
  assert.ok((notFit - fit) / notFit <= 0.05 + 16 / notFit, `bracket ${fit}–${notFit} wider than the resolution`);
  const rows = readFileSync(join(out, 'kv-fit.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  assert.deepEqual(rows.slice(0, 2).map((r) => [r[0], r[5]]), [['200000', 'no'], ['100000', 'no']]);
  assert.equal(rows[2][5], 'yes');
});

test('gpu-kv-fit: a run whose requests failed does not fit, whatever its peak', async () => {
  const { env } = fakeHost(60_000);
  const { stdout } = await run('bash', [join(root, 'scripts/gpu-kv-fit.sh')], { env });
  const m = /: (\d+) tokens fit .*, (\d+) did not/.exec(stdout);
  assert.ok(m, stdout);
  assert.ok(Number(m[1]) <= 60_000 && Number(m[2]) > 60_000, stdout);
});

test('gpu-kv-fit: a bad setting is an error naming it', async () => {
  const { env } = fakeHost(null);
  await assert.rejects(run('bash', [join(root, 'scripts/gpu-kv-fit.sh')], { env: { ...env, MEMORY_GIB: 'lots' } }), (err: Error & { stderr: string }) => /MEMORY_GIB must be a positive number, got "lots"/.test(err.stderr));
});
