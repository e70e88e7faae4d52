import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { collectFingerprint, hashFiles, modelFiles, normaliseEngineArgs, parseGpuInfo, pythonVersions } from '../../src/baseline/fingerprint.ts';
import { vllmPlan } from '../../src/engines/vllm.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const smiFixture = (name: string) => readFileSync(join(fixtures, 'nvidia-smi', name), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-fingerprint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parseGpuInfo', () => {
  it('takes name, count, memory and driver from the query and the CUDA version from the banner', () => {
    const csv = 'name, memory.total [MiB], driver_version\nNVIDIA GeForce RTX 3090, 24576 MiB, 550.90.07\n';
    assert.deepEqual(parseGpuInfo(csv, smiFixture('banner-rtx3090.txt')), {
      name: 'NVIDIA GeForce RTX 3090',
      count: 1,
      memoryMiB: 24576,
      driver: '550.90.07',
      cuda: '12.4',
    });
  });

  it('lists every model of a mixed machine and counts all cards', () => {
    const csv = 'name, memory.total [MiB], driver_version\nNVIDIA GeForce RTX 3090, 24576 MiB, 580.159.03\nNVIDIA GeForce RTX 3080 Ti, 12288 MiB, 580.159.03\nNVIDIA GeForce RTX 3090, 24576 MiB, 580.159.03\n';
    const info = parseGpuInfo(csv, '');
    assert.equal(info?.name, 'NVIDIA GeForce RTX 3090 + NVIDIA GeForce RTX 3080 Ti');
    assert.equal(info?.count, 3);
    assert.equal(info?.cuda, 'unknown');
  });
});

describe('normaliseEngineArgs', () => {
  it('keeps what changes speed, sorted, in one spelling; drops listening address, names and positionals', () => {
    const args = vllmPlan(
      {
        kind: 'vllm',
        label: 'vllm',
        model: 'Qwen/Qwen2.5-7B-Instruct',
        python: 'python',
        dtype: 'bfloat16',
        maxModelLen: 4096,
        gpuMemoryUtilization: 0.9,
        extraArgs: ['--enable_prefix_caching', '--max-num-seqs=128', '--disable-log-stats'],
        startupTimeoutS: 60,
        logDir: dir,
      },
      8123,
    ).args;
    assert.deepEqual(normaliseEngineArgs(args), [
      'dtype=bfloat16',
      'enable-prefix-caching',
      'gpu-memory-utilization=0.9',
      'max-model-len=4096',
      'max-num-seqs=128',
    ]);
  });

  it('is the same for the same settings whatever the port or order', () => {
    const a = normaliseEngineArgs(['serve', 'm', '--port', '1', '--dtype', 'auto', '--continuous-batching']);
    const b = normaliseEngineArgs(['serve', 'm', '--continuous-batching', '--dtype=auto', '--port', '2']);
    assert.deepEqual(a, b);
    assert.deepEqual(normaliseEngineArgs(['--force-model', 'm', '--model-timeout', '-1', '--dtype', 'auto']), ['dtype=auto']);
  });
});

describe('model files', () => {
  it('hashes config and tokenizer files of a model folder; a changed tokenizer changes only its hash', async () => {
    const model = join(dir, 'model');
    mkdirSync(model);
    writeFileSync(join(model, 'config.json'), '{"hidden_size": 64}');
    writeFileSync(join(model, 'tokenizer.json'), '{"model": {}}');
    writeFileSync(join(model, 'tokenizer_config.json'), '{}');
    const fp1 = await collectFingerprint({ kind: 'sim', python: '', model, engineArgs: [], actionVersion: '1.2.3', nvidiaSmi: join(dir, 'no-smi') });
    writeFileSync(join(model, 'tokenizer_config.json'), '{"chat_template": "x"}');
    const fp2 = await collectFingerprint({ kind: 'sim', python: '', model, engineArgs: [], actionVersion: '1.2.3', nvidiaSmi: join(dir, 'no-smi') });
    assert.match(fp1.model.configHash ?? '', /^[0-9a-f]{64}$/);
    assert.equal(fp1.model.configHash, fp2.model.configHash);
    assert.notEqual(fp1.model.tokenizerHash, fp2.model.tokenizerHash);
    assert.equal(hashFiles(model, ['absent.json']), null);
  });

  it('finds a hub id in the Hugging Face cache through refs/main', () => {
    const hub = join(dir, 'hub');
    const repo = join(hub, 'models--Qwen--Qwen2.5-7B-Instruct');
    mkdirSync(join(repo, 'refs'), { recursive: true });
    mkdirSync(join(repo, 'snapshots', 'a1b2c3'), { recursive: true });
    writeFileSync(join(repo, 'refs', 'main'), 'a1b2c3\n');
    assert.equal(modelFiles('Qwen/Qwen2.5-7B-Instruct', { HF_HUB_CACHE: hub }), join(repo, 'snapshots', 'a1b2c3'));
    assert.equal(modelFiles('Qwen/Other', { HF_HUB_CACHE: hub }), null);
    assert.equal(modelFiles('not a model id', { HF_HUB_CACHE: hub }), null);
  });
});

describe('collectFingerprint', () => {
  it('sim: engine version is the action version, no Python libraries, no GPU on this host', async () => {
    const fp = await collectFingerprint({
      kind: 'sim',
      python: '',
      model: 'sim-qwen2.5-7b',
      engineArgs: ['--profile', 'vllm', '--slowdown', '1', '--port', '7'],
      actionVersion: '0.1.0',
      nvidiaSmi: join(dir, 'no-smi'),
    });
    assert.deepEqual(fp.engine, { name: 'sim', version: '0.1.0' });
    assert.deepEqual([fp.gpu, fp.torch, fp.transformers, fp.python], [null, null, null, null]);
    assert.deepEqual(fp.model, { id: 'sim-qwen2.5-7b', configHash: null, tokenizerHash: null });
    // The injected slowdown stands in for the code under test: it must not split the baseline key.
    assert.deepEqual(fp.engineArgs, ['profile=vllm']);
    assert.ok(fp.cpu.length > 0);
  });

  it('asks the engine’s own Python for its versions (a real interpreter)', async () => {
    const v = await pythonVersions('python3', ['no-such-distribution']);
    assert.match(v.python, /^3\.\d+\.\d+$/);
    assert.equal(v.engine, null);
    // The engine version is the first of the adapter's packages that is installed.
    const site = join(dir, 'site');
    mkdirSync(join(site, 'fake_engine-1.2.3.dist-info'), { recursive: true });
    writeFileSync(join(site, 'fake_engine-1.2.3.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: fake-engine\nVersion: 1.2.3\n');
    const before = process.env.PYTHONPATH;
    process.env.PYTHONPATH = site;
    try {
      assert.equal((await pythonVersions('python3', ['no-such-distribution', 'fake-engine'])).engine, '1.2.3');
    } finally {
      if (before === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = before;
    }
  });

  it('names the interpreter when it cannot be asked', async () => {
    await assert.rejects(pythonVersions(join(dir, 'no-python')), /could not ask ".*no-python" for package versions/);
  });
});
