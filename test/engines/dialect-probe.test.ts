import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, startManaged } from '../../src/engines/process.ts';
import { NotReadyError, waitReady } from '../../src/engines/ready.ts';
import { transformersAdapter } from '../../src/engines/transformers.ts';
import { vllmAdapter } from '../../src/engines/vllm.ts';
import { OPENAI_DIALECT, PLAIN_OPENAI_DIALECT } from '../../src/load/client.ts';
import { qwenTokenizerJsonPath } from '../../src/load/tokenizer.ts';
import { packageRoot } from '../../src/paths.ts';
import type { RunResult } from '../../src/types.ts';

// Ask, don't assume: readiness shows the server the dialect measured requests will speak, and an
// adapter falls back only when the server refuses it naming the field. The servers are the engine
// stub (test/fixtures/stubs/engine-stub.mjs) run as real processes, answering for usage the ways
// `transformers serve` releases do (STUB_USAGE): usage only when asked (5.25), or a 422 naming
// stream_options (older ones).

const stub = join(import.meta.dirname, '..', 'fixtures', 'stubs', 'engine-stub.mjs');
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-dialect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function stubServer(label: string, usage: 'asked' | 'refuse') {
  const port = await freePort();
  const proc = startManaged({
    command: stub,
    args: ['-m', 'transformers.cli.transformers', 'serve', 'stub-model', '--port', String(port)],
    env: { ...process.env, STUB_USAGE: usage },
    logFile: join(dir, `${label}.log`),
  });
  return { proc, baseUrl: `http://127.0.0.1:${port}` };
}

const ready = (baseUrl: string, proc: ReturnType<typeof startManaged>, over: Partial<Parameters<typeof waitReady>[0]> = {}) =>
  waitReady({ baseUrl, healthPath: '/health', model: 'stub-model', proc, deadline: Date.now() + 20_000, pollMs: 50, ...over });

describe('readiness proves the request dialect', () => {
  it('transformers: a server that takes include_usage keeps it (5.25 sends usage only when asked)', async () => {
    const { proc, baseUrl } = await stubServer('asked', 'asked');
    try {
      const r = await ready(baseUrl, proc, { dialect: transformersAdapter.dialect, fallback: transformersAdapter.dialectFallback });
      assert.deepEqual(r.dialect, OPENAI_DIALECT);
      assert.equal(r.refusal, null);
    } finally {
      await proc.stop(2_000);
    }
  });

  it('transformers: a 422 naming stream_options chooses the plain dialect, and says what the server answered', async () => {
    const { proc, baseUrl } = await stubServer('refuse', 'refuse');
    try {
      const r = await ready(baseUrl, proc, { dialect: transformersAdapter.dialect, fallback: transformersAdapter.dialectFallback });
      assert.deepEqual(r.dialect, PLAIN_OPENAI_DIALECT);
      assert.deepEqual(r.refusedFields, ['stream_options']);
      assert.match(r.refusal ?? '', /\/v1\/chat\/completions answered http 422: .*Unexpected fields in the request: \{'stream_options'\}/);
    } finally {
      await proc.stop(2_000);
    }
  });

  it('an adapter with no fallback (vLLM) fails the start on the refusal instead of measuring another dialect', async () => {
    const { proc, baseUrl } = await stubServer('no-fallback', 'refuse');
    try {
      await assert.rejects(
        ready(baseUrl, proc, { dialect: vllmAdapter.dialect, fallback: vllmAdapter.dialectFallback }),
        (err: unknown) => err instanceof NotReadyError && err.reason === 'rejected' && /http 422: .*stream_options/.test(err.message),
      );
    } finally {
      await proc.stop(2_000);
    }
  });

  it('a 4xx that names no field of the dialect stays final, fallback or not (a wrong model name)', async () => {
    const { proc, baseUrl } = await stubServer('wrong-model', 'asked');
    try {
      await assert.rejects(
        ready(baseUrl, proc, { model: 'other-model', dialect: transformersAdapter.dialect, fallback: transformersAdapter.dialectFallback }),
        (err: unknown) => err instanceof NotReadyError && err.reason === 'rejected' && /http 404/.test(err.message),
      );
    } finally {
      await proc.stop(2_000);
    }
  });
});

describe('token counts: exact where the server sends usage, estimated and said where it does not', () => {
  const root = packageRoot();
  const baseline = join(dir, 'baseline.json');
  // The served model: a folder with Qwen's tokenizer, which sizes the prompts.
  const model = join(dir, 'stub-model');
  mkdirSync(model, { recursive: true });
  copyFileSync(qwenTokenizerJsonPath(), join(model, 'tokenizer.json'));
  const run = (usage: 'asked' | 'refuse', mode: 'baseline' | 'pr') => {
    const out = join(dir, `cli-${usage}`);
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'src', 'cli.ts'), 'run', '--engines', 'custom', '--custom-name', 'serve', '--custom-ready-path', '/health',
        '--custom-command', `'${stub}' -m transformers.cli.transformers serve {model} --port {port}`, '--model', model,
        '--scenarios', join(root, 'scenarios', 'smoke.yml'), '--repetitions', '2', '--warm-start', 'false',
        '--baseline', baseline, '--mode', mode, '--out', out,
      ],
      { encoding: 'utf8', env: { ...process.env, STUB_USAGE: usage }, timeout: 120_000 },
    );
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult;
    return { ...r, result, report: readFileSync(join(out, 'report.md'), 'utf8') };
  };

  it('counts exactly from a server that sends usage when asked, and records that in the baseline', () => {
    const r = run('asked', 'baseline');
    assert.equal(r.status, 0, r.stderr);
    const e = r.result.engines[0];
    assert.equal(e.status, 'ok', e.error ?? '');
    assert.equal(e.fingerprint.tokenCounts, 'exact');
    assert.ok(e.pooled.every((s) => s.estimatedCounts === 0 && s.completed === s.requests));
    assert.doesNotMatch(r.report, /token counts estimated/);
  });

  it('a server that refuses stream_options is measured, its counts marked estimated in results.json, the header line and the fingerprint comparison', () => {
    const r = run('refuse', 'pr');
    const e = r.result.engines[0];
    assert.equal(e.status, 'ok', e.error ?? '');
    assert.equal(e.fingerprint.tokenCounts, 'estimated');
    const completed = e.pooled.reduce((n, s) => n + s.completed, 0);
    assert.equal(e.pooled.reduce((n, s) => n + (s.estimatedCounts ?? 0), 0), completed);
    assert.match(r.stderr + r.stdout, /serve: the server refused stream_options \(.*http 422.*\); requests go without them: no usage is asked for, so output token counts are estimated/);
    // The engine's own line under the headline says it, with how many requests it concerns.
    assert.match(r.report, new RegExp(`^- \\*\\*serve\\*\\*.*⚠️ token counts estimated: the server sent no usage for ${completed} of ${completed} completed requests`, 'm'));
    // A baseline counted exactly is not compared with a run counted by chunks, and the report names why.
    assert.match(r.report, /^- \*\*serve\*\*: the baseline is not comparable \(tokenCounts exact → estimated\)/m);
    assert.match(r.report, /^\| serve \| tokenCounts \| `exact` \| `estimated` \|$/m);
  });
});
