import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/markdown.ts';
import { COMMENT_LIMIT, fitToLimit, SUMMARY_LIMIT, trimNote } from '../../src/report/trim.ts';
import type { Comparison, RunResult } from '../../src/types.ts';
import { comparison, runResult } from '../helpers/fixtures.ts';
import { checkMarkdown } from '../helpers/markdown-check.ts';

const ARTIFACT = 'https://github.com/octo/widgets/actions/runs/77/artifacts/5';

/** The fixture with every scenario copied `times` times (renamed), for a report far over the comment limit. */
function big(times: number): { run: RunResult; comparison: Comparison } {
  const copies = <T extends { scenario: string }>(xs: readonly T[]): T[] =>
    Array.from({ length: times }, (_, k) => xs.map((x) => ({ ...x, scenario: `${x.scenario}-${k}` }))).flat();
  const run = runResult();
  const c = comparison();
  return {
    run: {
      ...run,
      scenarioSet: { ...run.scenarioSet, names: copies(run.scenarioSet.names.map((scenario) => ({ scenario }))).map((x) => x.scenario) },
      engines: run.engines.map((e) => ({
        ...e,
        pooled: copies(e.pooled),
        repetitions: e.repetitions.map((r) => ({ ...r, scenarios: copies(r.scenarios) })),
      })),
    },
    comparison: { ...c, engines: c.engines.map((e) => ({ ...e, metrics: copies(e.metrics), history: copies(e.history) })) },
  };
}

function detailsBlocks(md: string): string[] {
  return md.match(/<details>\n[\s\S]*?\n<\/details>/g) ?? [];
}

test('a report far over 65,536 characters fits the comment limit with the verdict kept and a note linking the artifact', () => {
  const md = renderReport({ ...big(40), artifactUrl: ARTIFACT });
  assert.ok(md.length > 3 * 65_536, `fixture report is ${md.length} characters`);
  const out = fitToLimit(md, COMMENT_LIMIT, trimNote(ARTIFACT));
  assert.ok(out.length <= 65_536 - 128, `${out.length} characters`);
  assert.equal(out.split('\n')[0], md.split('\n')[0], 'the verdict line survives');
  assert.ok(out.includes("### 🔴 Regressions"));
  assert.match(out, /> \[!NOTE\]\n> This report was trimmed to fit GitHub's size limit; the \[full report\]\(https:\/\/github\.com\/octo\/widgets\/actions\/runs\/77\/artifacts\/5\) is in/);
  assert.ok(out.endsWith('artifacts.\n'));
  assert.match(out, /<p><em>Left out to fit the size limit: /);
  assert.deepEqual(checkMarkdown(out), []);
});

test('the largest collapsed blocks go first: every block kept is smaller than every block dropped', () => {
  const md = renderReport(big(3));
  const limit = Math.round(md.length * 0.6);
  const out = fitToLimit(md, limit, 'trimmed');
  assert.ok(out.length <= limit);
  const all = detailsBlocks(md);
  const kept = new Set(detailsBlocks(out));
  const dropped = all.filter((b) => !kept.has(b));
  assert.ok(kept.size > 0 && dropped.length > 0, `kept ${kept.size}, dropped ${dropped.length}`);
  const sizeOf = (b: string): number => b.length;
  assert.ok(Math.max(...[...kept].map(sizeOf)) <= Math.min(...dropped.map(sizeOf)));
  for (const b of dropped) {
    const summary = /<summary>(.*)<\/summary>/.exec(b)![1];
    assert.ok(out.includes(`<p><em>Left out to fit the size limit: ${summary}</em></p>`), summary);
  }
  assert.deepEqual(checkMarkdown(out), []);
});

test('a report that fits is returned unchanged', () => {
  const md = renderReport({ run: runResult(), comparison: comparison() });
  assert.ok(md.length < COMMENT_LIMIT.max);
  assert.equal(fitToLimit(md, COMMENT_LIMIT, trimNote()), md);
});

test('the job summary limit counts bytes, not characters', () => {
  const md = `## 结果\n\n${'性能测试结果 '.repeat(400)}\n\n<details>\n<summary>日志</summary>\n\n${'详细'.repeat(3000)}\n\n</details>\n`;
  assert.ok(md.length < 10_000 && Buffer.byteLength(md) > 10_000);
  const out = fitToLimit(md, { max: 10_000, unit: 'bytes' }, 'trimmed');
  assert.ok(Buffer.byteLength(out) <= 10_000);
  assert.ok(!out.includes('详细详细'), 'the collapsed block was dropped');
  assert.equal(fitToLimit(md, { max: 10_000, unit: 'chars' }, 'trimmed'), md);
  assert.equal(SUMMARY_LIMIT.max, 1024 * 1024);
  assert.equal(SUMMARY_LIMIT.unit, 'bytes');
});

test('truncation never cuts inside a code fence, a table header or a row', () => {
  const fence = ['```text', ...Array.from({ length: 200 }, (_, i) => `log line ${i}`), '```'];
  const table = ['| Scenario | Value |', '| :- | -: |', ...Array.from({ length: 200 }, (_, i) => `| s${i} | ${i} |`)];
  const md = ['# Title', '', 'intro paragraph', '', ...fence, '', ...table].join('\n');
  // One limit leaves room for the table's header line but not its delimiter row.
  const probe = fitToLimit('x\n'.repeat(5000), 5000, 'cut');
  const noteSize = probe.length - probe.indexOf('\n\n> [!NOTE]');
  const headerEnd = md.indexOf('| Scenario | Value |') + '| Scenario | Value |'.length;
  for (const limit of [300, 1200, 2500, headerEnd + noteSize + 5, 3200, 4000]) {
    const out = fitToLimit(md, limit, 'cut');
    assert.ok(out.length <= limit, `${limit}: ${out.length}`);
    assert.deepEqual(checkMarkdown(out), [], `limit ${limit}`);
    const body = out.slice(0, out.indexOf('\n\n> [!NOTE]'));
    const fenceOpen = body.includes('```text');
    if (fenceOpen) assert.ok(body.includes('log line 199\n```'), 'a fence is kept whole or not at all');
    const lastLine = body.split('\n').at(-1)!;
    assert.ok(lastLine === '```' || /^\| s\d+ \| \d+ \|$/.test(lastLine) || lastLine === 'intro paragraph', `${limit}: ends with ${lastLine}`);
  }
});

test('a note that cannot fit is an error, not a silent overflow', () => {
  assert.throws(() => fitToLimit('x'.repeat(100), 20, 'a note much longer than twenty characters'), /the note alone .* exceeds the limit of 20 chars/);
});

test('trimNote links only safe URLs', () => {
  assert.match(trimNote(ARTIFACT), /\[full report\]\(https:\/\/github\.com\//);
  assert.doesNotMatch(trimNote('javascript:alert(1)'), /\]\(/);
  assert.match(trimNote(), /the full report is in the workflow run's artifacts/);
});
