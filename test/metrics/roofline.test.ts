import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuBandwidthGBs, modelWeightBytes, roofline } from '../../src/metrics/roofline.ts';
import { renderRoofline } from '../../src/report/roofline.ts';
import { runResult } from '../helpers/fixtures.ts';

test('GPU names from nvidia-smi map to datasheet bandwidths, most specific first', () => {
  assert.equal(gpuBandwidthGBs('NVIDIA GeForce RTX 3090'), 936);
  assert.equal(gpuBandwidthGBs('NVIDIA GeForce RTX 3090 Ti'), 1008);
  assert.equal(gpuBandwidthGBs('NVIDIA H100 80GB HBM3'), 3350);
  assert.equal(gpuBandwidthGBs('NVIDIA H100 PCIe'), 2000);
  assert.equal(gpuBandwidthGBs('NVIDIA H200'), 4800);
  assert.equal(gpuBandwidthGBs('NVIDIA A100 80GB PCIe'), 1935);
  assert.equal(gpuBandwidthGBs('NVIDIA L4'), 300);
  assert.equal(gpuBandwidthGBs('Some Future GPU'), null);
});

test('weight bytes count safetensors shards, else .bin files, and nothing else', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roofline-'));
  try {
    assert.equal(modelWeightBytes(dir), null);
    writeFileSync(join(dir, 'pytorch_model.bin'), Buffer.alloc(50));
    assert.equal(modelWeightBytes(dir), 50);
    writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), Buffer.alloc(300));
    writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), Buffer.alloc(200));
    writeFileSync(join(dir, 'config.json'), '{}');
    assert.equal(modelWeightBytes(dir), 500);
    assert.equal(modelWeightBytes(join(dir, 'missing')), null);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('the bound is bandwidth over weight bytes; unknown GPU or no weights give none', () => {
  const r = roofline('NVIDIA GeForce RTX 3090', 15.23e9)!;
  assert.ok(Math.abs(r.boundTokensPerS - 936e9 / 15.23e9) < 1e-9);
  assert.equal(roofline('Mystery GPU', 15.23e9), null);
  assert.equal(roofline('NVIDIA H200', null), null);
  assert.equal(roofline(null, 1e9), null);
});

test('the report shows single-stream decode against the bound, with the per-token overhead', () => {
  const base = runResult();
  assert.equal(renderRoofline(base), null, 'no roofline without a bound');
  const run = { ...base, roofline: roofline('NVIDIA GeForce RTX 3090', 15.23e9) };
  const md = renderRoofline(run)!;
  const single = run.scenarioSet.definitions.filter((s) => s.load.kind === 'concurrency' && s.load.concurrency === 1);
  assert.ok(single.length > 0);
  assert.match(md, /^<details>\n<summary>Roofline, single-stream decoding: vllm [\d.]+ tokens\/s = [\d.]+%, transformers [\d.]+ tokens\/s = [\d.]+% of the 61\.5 tokens\/s bound<\/summary>/);
  assert.match(md, /61\.5 tokens\/s \(16\.3 ms per token\)/);
  for (const e of run.engines) {
    const s = e.pooled.find((p) => p.scenario === single.sort((a, b) => (a.input as { tokens: number }).tokens - (b.input as { tokens: number }).tokens)[0].name)!;
    const share = (1000 / s.tpotMs.p50 / (936e9 / 15.23e9)) * 100;
    assert.match(md, new RegExp(`\\| ${e.engine} \\|[^\\n]*${Number(share.toPrecision(3))}%`), `${e.engine} row shows ${share}% of the bound`);
  }
});
