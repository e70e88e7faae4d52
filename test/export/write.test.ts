import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VLLM_BENCH_DIR, writeExports } from '../../src/export/write.ts';
import { SCENARIOS, runResult } from '../helpers/fixtures.ts';
import { benchmarkActionProblems, bmfProblems, vllmBenchProblems } from './formats.ts';
import { withFailedEngine } from './runs.ts';

const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

function inTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'llm-perf-gate-export-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeExports writes every format under the output folder and returns the paths', () => {
  inTempDir((dir) => {
    const out = join(dir, 'results', 'run-1');
    const paths = writeExports(out, runResult());
    assert.deepEqual(paths.slice(0, 3), [join(out, 'benchmark-action-smaller.json'), join(out, 'benchmark-action-bigger.json'), join(out, 'bmf.json')]);
    assert.deepEqual(benchmarkActionProblems(read(paths[0])), []);
    assert.deepEqual(benchmarkActionProblems(read(paths[1])), []);
    assert.deepEqual(bmfProblems(read(paths[2])), []);
    const vllm = paths.slice(3);
    assert.equal(vllm.length, 2 * SCENARIOS.length);
    assert.deepEqual(readdirSync(join(out, VLLM_BENCH_DIR)).sort(), vllm.map((p) => p.slice(join(out, VLLM_BENCH_DIR).length + 1)).sort());
    for (const p of vllm) assert.deepEqual(vllmBenchProblems(read(p)), [], p);
    assert.deepEqual(readdirSync(out).sort(), ['benchmark-action-bigger.json', 'benchmark-action-smaller.json', 'bmf.json', VLLM_BENCH_DIR]);
  });
});

test('a failed engine gets no vllm-bench file and no entries; an earlier run\'s files are replaced', () => {
  inTempDir((dir) => {
    writeExports(dir, runResult());
    writeFileSync(join(dir, 'bmf.json'), '{"stale": {}}\n');
    const paths = writeExports(dir, withFailedEngine('vllm'));
    const names = readdirSync(join(dir, VLLM_BENCH_DIR));
    assert.equal(names.length, SCENARIOS.length);
    assert.ok(names.every((n) => n.startsWith('transformers-')));
    assert.ok(!('stale' in (read(join(dir, 'bmf.json')) as object)));
    const smaller = read(paths[0]) as { name: string }[];
    assert.ok(smaller.every((e) => e.name.startsWith('transformers/')));
  });
});

test('bad input writes nothing', () => {
  inTempDir((dir) => {
    const out = join(dir, 'out');
    assert.throws(() => writeExports(out, { ...runResult(), createdAt: 'not a date' }), /createdAt/);
    assert.equal(existsSync(out), false);
  });
});
