import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprintDiffs, hardwareId } from '../../src/baseline/fingerprint-diff.ts';
import { fingerprint } from '../helpers/make-run.ts';

test('identical fingerprints have no differences; CPU, Python and action version are not compared', () => {
  const a = fingerprint('vllm');
  assert.deepEqual(fingerprintDiffs(a, { ...a, cpu: 'AMD EPYC 9654', python: '3.11.9', actionVersion: '0.2.0' }), []);
});

test('software and model differences are listed field by field', () => {
  const a = fingerprint('vllm');
  const b = fingerprint('vllm', {
    gpu: { ...a.gpu!, driver: '580.82.07', cuda: '13.0' },
    engine: { name: 'vllm', version: '0.11.1' },
    transformers: null,
    model: { ...a.model, tokenizerHash: 'f00d' },
    engineArgs: ['--dtype=bfloat16', '--enable-prefix-caching'],
  });
  assert.deepEqual(fingerprintDiffs(a, b), [
    { field: 'gpu.driver', baseline: '570.124.06', current: '580.82.07' },
    { field: 'gpu.cuda', baseline: '12.8', current: '13.0' },
    { field: 'engine.version', baseline: '1.0.0', current: '0.11.1' },
    { field: 'transformers', baseline: '4.57.0', current: '(none)' },
    { field: 'model.tokenizerHash', baseline: 'beef00', current: 'f00d' },
    { field: 'engineArgs', baseline: '--dtype=bfloat16', current: '--dtype=bfloat16 --enable-prefix-caching' },
  ]);
});

test('how output tokens were counted is a difference where both runs recorded it, and not where an older one did not', () => {
  const a = fingerprint('transformers', { tokenCounts: 'exact' });
  assert.deepEqual(fingerprintDiffs(a, { ...a, tokenCounts: 'estimated' }), [{ field: 'tokenCounts', baseline: 'exact', current: 'estimated' }]);
  const { tokenCounts: _, ...older } = a;
  assert.deepEqual(fingerprintDiffs(older, { ...a, tokenCounts: 'estimated' }), []);
});

test('the order of engine arguments does not matter', () => {
  const a = fingerprint('vllm', { engineArgs: ['--a=1', '--b=2'] });
  assert.deepEqual(fingerprintDiffs(a, { ...a, engineArgs: ['--b=2', '--a=1'] }), []);
});

test('hardwareId depends on the GPU model, count and memory only', () => {
  const a = fingerprint('vllm');
  assert.equal(hardwareId(a), hardwareId({ ...a, gpu: { ...a.gpu!, driver: 'other' }, cpu: 'other' }));
  assert.notEqual(hardwareId(a), hardwareId({ ...a, gpu: { ...a.gpu!, count: 2 } }));
  assert.equal(hardwareId({ ...a, gpu: null }), 'no-gpu');
});
