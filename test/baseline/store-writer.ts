// A separate process that records `count` runs into the file store at `path`, for the
// cross-process tests (file-store.test.ts, faults/file-lock.fault-test.ts):
//   node store-writer.ts PATH TAG COUNT [HOLD_MS]
// It prints `ack SHA` once each update has returned, as the CLI's "recorded into the baseline
// history" would. HOLD_MS keeps the lock that long per update (a busy wait inside the update), so
// a signal can land while it holds.
import { FileBaselineStore } from '../../src/baseline/file-store.ts';
import { recordRun } from '../../src/baseline/history.ts';
import { makeRun } from '../helpers/make-run.ts';

const [path, tag, count, holdMs = '0'] = process.argv.slice(2);
const store = new FileBaselineStore(path, { timeoutMs: 60_000 });
for (let i = 0; i < Number(count); i++) {
  const sha = `${tag}-${i}-`.padEnd(40, '0');
  // Each record is its own job (a distinct commit): the history refuses the same results twice.
  await store.update((doc) => {
    const until = Date.now() + Number(holdMs);
    while (Date.now() < until);
    return recordRun(doc, makeRun({ createdAt: '2026-05-01T00:00:00.000Z', sha }), 1000);
  });
  process.stdout.write(`ack ${sha}\n`);
}
