import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clock, progressReporter, type LoadProgress } from '../src/progress.ts';

const at = (engineDone: number, done: number, scenario = 'chat-8'): LoadProgress => ({
  engine: 'vllm',
  scenario,
  pass: 'rep 1/5',
  done,
  total: 10,
  engineDone,
  engineTotal: 100,
});

test('log form: a line when a scenario ends and every 10 s in between, with elapsed and time left', () => {
  let t = 0;
  const out: string[] = [];
  const r = progressReporter({ tty: false, write: (s) => out.push(s), now: () => t });
  r.progress(at(0, 0));
  t = 5_000;
  r.progress(at(5, 5));
  assert.equal(out.length, 0, 'nothing before 10 s or the end of a scenario');
  t = 10_000;
  r.progress(at(8, 8));
  t = 12_000;
  r.progress(at(10, 10));
  assert.deepEqual(out, [
    'vllm · rep 1/5 · chat-8 8/10 requests · engine 8% · 0:10 elapsed · ~1:55 left\n',
    'vllm · rep 1/5 · chat-8 10/10 requests · engine 10% · 0:12 elapsed · ~1:48 left\n',
  ]);
});

test('terminal form: redrawn in place, messages printed above it, the last state kept at the end', () => {
  let t = 0;
  const out: string[] = [];
  const r = progressReporter({ tty: true, write: (s) => out.push(s), now: () => t, columns: 200 });
  r.progress(at(0, 0));
  t = 50;
  r.progress(at(1, 1));
  assert.equal(out.length, 1, 'redraws are limited to ten a second');
  t = 2_000;
  r.progress(at(2, 2));
  assert.match(out[1], /^\r\x1b\[2Kvllm · rep 1\/5 · chat-8 2\/10 requests/);
  r.message('warning: slow');
  assert.deepEqual(out.slice(2), ['\r\x1b[2K', 'warning: slow\n', out[1].slice(5)]);
  r.engineEnd();
  assert.equal(out.at(-1), '\n');
});

test('terminal lines are cut to the terminal width so the redraw does not wrap', () => {
  const out: string[] = [];
  const r = progressReporter({ tty: true, write: (s) => out.push(s), now: () => 0, columns: 30 });
  r.progress(at(0, 0));
  assert.equal(out[0].length, '\r\x1b[2K'.length + 29);
});

test('clock formats minutes and hours', () => {
  assert.equal(clock(65_000), '1:05');
  assert.equal(clock(3_725_000), '1:02:05');
});
