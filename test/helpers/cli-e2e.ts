import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';
import type { RunResult } from '../../src/types.ts';

/**
 * Runs the CLI and echoes its progress lines to stderr as they come: these tests take minutes, and
 * the test runner would otherwise be silent while they wait. Rejects with the output on failure.
 */
export function runShowingProgress(engine: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: packageRoot(), env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
    let output = '';
    const echo = (chunk: Buffer): void => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) process.stderr.write(`[cli ${engine}] ${line}\n`);
    };
    child.stdout.on('data', echo);
    child.stderr.on('data', echo);
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`CLI exited ${code ?? signal}:\n${output.slice(-4000)}`))));
  });
}

/**
 * Runs the CLI end to end (`run` on scenarios/smoke.yml, one run of 2 repetitions after a warm
 * restart, records kept) against a
 * real engine and checks that its numbers are sane: both start-ups timed, every request completed,
 * each got exactly the output tokens it asked for (within its scenario's range), TTFT < E2EL, and
 * the summaries agree with the records.
 */
export async function runCliAgainstRealEngine(
  engine: 'transformers' | 'vllm',
  python: string,
  model: string,
  env: Readonly<Record<string, string>> = {},
): Promise<RunResult> {
  const root = packageRoot();
  const out = mkdtempSync(join(tmpdir(), `llm-perf-gate-cli-${engine}-`));
  try {
    await runShowingProgress(
      engine,
      [join(root, 'src', 'cli.ts'), 'run', '--engines', engine, '--model', model, '--python', python, '--scenarios', join(root, 'scenarios', 'smoke.yml'), '--repetitions', '2', '--runs', '1', '--warm-start', 'true', '--records', '--out', out],
      { ...process.env, ...env },
    );
    const result = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as RunResult;
    assert.equal(result.partial, false);
    const e = result.engines[0];
    assert.equal(e.status, 'ok', e.error ?? '');
    assert.equal(e.engine, engine);
    assert.equal(e.repetitions.length, 2);
    // Every output token counted from the server's usage (transformers from 5.25 sends it only when asked).
    assert.equal(e.fingerprint.tokenCounts, 'exact');
    // A warm start: both start-up times recorded.
    assert.ok(e.startupS! > 0 && e.warmStartupS! > 0, `start-up cold ${e.startupS} s, warm ${e.warmStartupS} s`);
    for (const scenario of result.scenarioSet.definitions) {
      const records = e.records!.filter((r) => r.scenario === scenario.name);
      assert.equal(records.length, scenario.requests * 2, `${scenario.name}: one record per request and repetition`);
      for (const r of records) {
        assert.ok(r.ok, `${scenario.name} request ${r.index}: ${r.error}`);
        const out = scenario.output;
        const [lo, hi] = out.kind === 'fixed' ? [out.tokens, out.tokens] : out.kind === 'uniform' ? [out.min, out.max] : [out.min, out.max];
        assert.ok(r.maxTokens !== undefined && r.maxTokens >= lo && r.maxTokens <= hi, `${scenario.name}: asked for ${r.maxTokens} tokens, the scenario says ${lo}..${hi}`);
        assert.equal(r.outputTokens, r.maxTokens, `${scenario.name} request ${r.index}: ${r.outputTokens} output tokens, asked for ${r.maxTokens}`);
        // Chunks that reach the client in one network read share a timestamp, so under contention
        // a short answer can arrive whole (TTFT = E2EL); one request at a time, never.
        const alone = scenario.load.kind === 'concurrency' && scenario.load.concurrency === 1;
        assert.ok(r.ttftMs! > 0 && (alone ? r.ttftMs! < r.e2elMs! : r.ttftMs! <= r.e2elMs!), `${scenario.name}: TTFT ${r.ttftMs} vs E2EL ${r.e2elMs}`);
      }
      const pooled = e.pooled.find((p) => p.scenario === scenario.name)!;
      assert.equal(pooled.failed, 0);
      assert.equal(pooled.shortOutputs, 0);
      assert.equal(pooled.outputTokens, records.reduce((sum, r) => sum + r.outputTokens!, 0));
      // Every request has more than one token, so every one has a TPOT. (A random-weight model's
      // byte-fragment tokens can make a server hold text back and send it at once: TPOT 0 is a
      // true observation there, so only its presence is checked.)
      assert.ok(pooled.outputThroughput > 0);
      assert.equal(pooled.tpotMs.n, records.length);
    }
    return result;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
