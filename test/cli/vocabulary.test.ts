// The gate's vocabulary through the CLI: for every outcome × fail-on value, `compare` prints the
// same headline as report.md's title, and exits 3 exactly when that title says the check failed.
// Real H200 history and simulated ones (test/helpers/outcomes.ts); no engine starts.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { packageRoot } from '../../src/paths.ts';
import type { Comparison } from '../../src/types.ts';
import { FAIL_ON, outcomeCases, writeBaseline } from '../helpers/outcomes.ts';

const cli = join(packageRoot(), 'src', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'cli-vocabulary-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function compare(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [cli, 'compare', ...args], { encoding: 'utf8', timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('every outcome × fail-on says one verdict: terminal, report title and exit status', { concurrency: 2 }, () => {
  outcomeCases().forEach((c, i) => {
    it(c.name, async () => {
      const caseDir = join(dir, `case-${i}`);
      // The current run as a run's --out folder: compare takes the folder.
      const current = join(caseDir, 'current');
      mkdirSync(current, { recursive: true });
      writeFileSync(join(current, 'results.json'), JSON.stringify(c.current));
      const baseline = writeBaseline(c, join(caseDir, 'store'));
      for (const failOn of FAIL_ON) {
        const out = join(caseDir, `out-${failOn}`);
        const settings = Object.entries(c.settings ?? {}).flatMap(([k, v]) => [`--${k}`, v]);
        const r = await compare(['--mode', 'pr', '--baseline', baseline, '--current', current, '--out', out, '--fail-on', failOn, ...settings]);
        const want = c.expect(failOn);
        const where = `${c.name}, fail-on ${failOn}\n${r.stdout}\n${r.stderr}`;
        assert.equal(r.code, want.failed ? 3 : 0, where);
        const title = readFileSync(join(out, 'report.md'), 'utf8').split('\n')[0];
        const m = /^## (✅|❌|⚠️) LLM performance: (.*)$/.exec(title);
        assert.ok(m, `title: ${title}`);
        assert.equal(m[1], want.icon, where);
        assert.match(m[2], want.headline, where);
        // The terminal's first gate line says the same, word for word.
        assert.ok(r.stdout.split('\n').includes(`${m[1]} gate: ${m[2]}`), `terminal line "${m[1]} gate: ${m[2]}" missing\n${where}`);
        if (m[1] !== '✅') assert.doesNotMatch(m[2], /^passed/);
        const comparison = JSON.parse(readFileSync(join(out, 'comparison.json'), 'utf8')) as Comparison;
        if (want.icon === '✅') assert.equal(comparison.gate.passed, true);
        if (c.baseline.kind !== 'history') assert.match(r.stdout, new RegExp(`No baseline history at ${baseline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: nothing was compared`), where);
      }
    });
  });
});
