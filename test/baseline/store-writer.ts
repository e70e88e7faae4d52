// A separate process that records `count` runs into the file store at `path`, for the
// cross-process test in file-store.test.ts: node store-writer.ts PATH TAG COUNT
import { FileBaselineStore } from '../../src/baseline/file-store.ts';
import { recordRun } from '../../src/baseline/history.ts';
import { makeRun } from '../helpers/make-run.ts';

const [path, tag, count] = process.argv.slice(2);
const store = new FileBaselineStore(path);
for (let i = 0; i < Number(count); i++) {
  const sha = `${tag}-${i}-`.padEnd(40, '0');
  // Each record is its own job (a distinct commit): the history refuses the same results twice.
  await store.update((doc) => recordRun(doc, makeRun({ createdAt: '2026-05-01T00:00:00.000Z', sha }), 1000));
}
