import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diagnoseLog, quoteLines } from '../../src/engines/log-errors.ts';

const log = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'logs', name), 'utf8');

describe('diagnoseLog (recorded engine logs)', () => {
  it('vLLM engine core out of CUDA memory: the OOM line and the fix, not the traceback frames', () => {
    const d = diagnoseLog(log('vllm-oom-engine-core.log'));
    assert.match(d.hint ?? '', /GPU ran out of memory/);
    assert.equal(d.errorLines.length, 1);
    assert.match(d.errorLines[0], /torch\.OutOfMemoryError: CUDA out of memory\. Tried to allocate 50\.00 MiB/);
    assert.ok(d.errorLines[0].length <= 401, 'long lines are clipped');
  });

  it('vLLM start-up failure without a known cause: the exception line, no hint', () => {
    const d = diagnoseLog(log('vllm-engine-init-failed.log'));
    assert.equal(d.hint, null);
    assert.deepEqual(d.errorLines, ['(APIServer pid=223598) RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {}']);
  });

  it('transformers serve given an unknown flag: the error line and the argument hint, not the option list', () => {
    const d = diagnoseLog(log('transformers-5.24-bad-flag.log'));
    assert.match(d.hint ?? '', /rejected its command-line arguments/);
    assert.deepEqual(d.errorLines, ["Error: No such option '--bogus-flag'."]);
  });

  it('a clean log has nothing to say', () => {
    assert.deepEqual(diagnoseLog('INFO: Started server process\nINFO: Uvicorn running\n'), { hint: null, errorLines: [] });
  });
});

describe('quoteLines', () => {
  it('indents quoted lines under a title, and is empty without lines', () => {
    assert.equal(quoteLines('errors', ['a', 'b']), '\nerrors:\n  | a\n  | b');
    assert.equal(quoteLines('errors', []), '');
  });
});
