import type { RunResult } from '../types.ts';
import { details, join, table } from './blocks.ts';
import { codeBlock, escapeCell, escapeHtml, escapeInline } from './escape.ts';

// Failures are counted and shown, never dropped: engines that did not come up, and requests that
// failed, grouped by error class.

const LOG_LINES = 40;

function lastLines(text: string, n: number): string {
  const lines = text.replace(/\s+$/, '').split(/\r\n|\r|\n/);
  return lines.slice(-n).join('\n');
}

/** Failed engines (with their log tail) and failed requests per engine × scenario; null when none. */
export function renderFailures(run: RunResult): string | null {
  const engines = run.engines
    .filter((e) => e.status === 'failed')
    .map((e) =>
      join(
        `**${escapeInline(e.engine)} failed**: ${escapeInline(e.error ?? 'no error message')}`,
        e.logTail ? details(`Last ${LOG_LINES} lines of the ${escapeHtml(e.engine)} server log`, codeBlock(lastLines(e.logTail, LOG_LINES), 'text')) : null,
      ),
    );
  const rows = run.engines.flatMap((e) =>
    e.pooled
      .filter((s) => s.failed > 0)
      .map((s) => [
        escapeCell(e.engine),
        escapeCell(s.scenario),
        `${s.failed} / ${s.requests}`,
        Object.entries(s.errors)
          .sort((a, b) => b[1] - a[1])
          .map(([cls, n]) => `${escapeCell(cls)} ×${n}`)
          .join('; '),
      ]),
  );
  if (engines.length === 0 && rows.length === 0) return null;
  return join(
    '### Failures',
    ...engines,
    rows.length ? table(['Engine', 'Scenario', 'Failed / requests', 'Errors'], rows, ['l', 'l', 'r', 'l']) : null,
  );
}
