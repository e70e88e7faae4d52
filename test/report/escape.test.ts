import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeBlock, codeCell, codeSpan, escapeCell, escapeHtml, escapeInline, safeUrl, stopCommands } from '../../src/report/escape.ts';
import { table } from '../../src/report/blocks.ts';
import { cellCount, checkMarkdown } from '../helpers/markdown-check.ts';

const BRANCH = 'feat/<img src=x onerror=alert(1)>|@everyone';

test('a hostile branch name renders inert in prose: no tag, no mention, no cell split', () => {
  const out = escapeInline(BRANCH);
  assert.doesNotMatch(out, /[<>]/);
  assert.doesNotMatch(out, /@everyone/);
  assert.match(out, /@&#8203;everyone/, 'still readable, with a zero-width space');
  assert.match(out, /\\\|/);
  assert.match(out, /&lt;img src=x onerror=alert\\\(1\\\)&gt;/);
  assert.deepEqual(checkMarkdown(`Branch ${out}`), []);
});

test('in a table cell it stays one cell, and newlines become <br>', () => {
  const md = table(['Ref', 'Value'], [[escapeCell(`${BRANCH}\nsecond | line`), '1']]);
  const row = md.split('\n')[2];
  assert.equal(cellCount(row), 2);
  assert.match(row, /<br>second \\\| line/);
  assert.deepEqual(checkMarkdown(md), []);
});

test('links, images, emphasis, code, headings, math and HTML comments are neutralised', () => {
  const out = escapeInline('![x](https://evil.example/p.png) [click](javascript:alert(1)) **b** `c` # h $x$ ~s~ <!-- llm-perf-gate:report -->');
  assert.doesNotMatch(out, /(?<!\\)[[\]()*`#$~!]/, 'every markdown punctuation mark is backslash-escaped');
  assert.doesNotMatch(out, /<!--/, 'a forged sticky-comment marker cannot appear');
  assert.deepEqual(checkMarkdown(out), []);
});

test('bidirectional overrides and control characters are removed', () => {
  assert.equal(escapeInline('ab\u202ecd\u2066e\u0007f\u0000'), 'abcdef');
  assert.equal(codeSpan('a\u202eb'), '`ab`');
});

test('escapeHtml suits raw-HTML lines (a <summary>): entities only, no backslashes', () => {
  assert.equal(escapeHtml('a_b <i>"x"</i> @me\nnext'), 'a_b &lt;i&gt;&quot;x&quot;&lt;/i&gt; @&#8203;me next');
});

test('code spans pick a fence longer than any backtick run, and cells escape pipes', () => {
  assert.equal(codeSpan('plain'), '`plain`');
  assert.equal(codeSpan('a ``b`` c'), '```a ``b`` c```');
  assert.equal(codeSpan('`edge`'), '`` `edge` ``');
  assert.equal(codeSpan('a|b\nc'), '`a|b c`');
  assert.equal(codeCell('a|b'), '`a\\|b`');
  const md = table(['A', 'B'], [[codeCell('x | y | z'), 'ok']]);
  assert.equal(cellCount(md.split('\n')[2]), 2);
});

test('a code block cannot be closed by the text inside it', () => {
  const log = 'INFO start\n```\n<script>alert(1)</script>\n````\ndone\n';
  const block = codeBlock(log, 'text');
  const fence = block.split('\n')[0];
  assert.equal(fence, '`````text');
  assert.ok(block.endsWith('\n`````'));
  assert.deepEqual(checkMarkdown(`${block}\n\nafter`), []);
});

test('safeUrl keeps http(s) links and encodes what would end a markdown link', () => {
  assert.equal(safeUrl('https://github.com/o/r/actions/runs/1'), 'https://github.com/o/r/actions/runs/1');
  assert.equal(safeUrl('https://x.test/a(b) c'), 'https://x.test/a%28b%29%20c');
  assert.equal(safeUrl('javascript:alert(1)'), null);
  assert.equal(safeUrl('data:text/html,hi'), null);
  assert.equal(safeUrl('not a url'), null);
});

test('stopCommands brackets the text with a fresh random token that the text does not contain', () => {
  const log = 'line 1\n::set-output name=verdict::pass\n::add-mask::x\n';
  const a = stopCommands(log);
  const b = stopCommands(log);
  const m = /^::stop-commands::([0-9a-f]{32})\n([\s\S]*)\n::([0-9a-f]{32})::$/.exec(a);
  assert.ok(m, a);
  assert.equal(m[1], m[3], 'resumes with the same token');
  assert.equal(m[2], log);
  assert.ok(!log.includes(m[1]));
  assert.notEqual(a.split('\n')[0], b.split('\n')[0], 'a new token each call');
});
