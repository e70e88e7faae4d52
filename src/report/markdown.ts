import type { Comparison, RunResult } from '../types.ts';
import { join } from './blocks.ts';
import { renderChangePoints, renderChanges, renderSloViolations, verdictCounts } from './changes.ts';
import { renderHistory } from './chart.ts';
import { renderEnvironment } from './environment.ts';
import { codeSpan, escapeInline, safeUrl } from './escape.ts';
import { renderFailures } from './failures.ts';
import { renderShortOutputs } from './lengths.ts';
import { shortSha } from './format.ts';
import { renderRoofline } from './roofline.ts';
import { renderMemory, renderThrottling } from './memory.ts';
import { renderFullSummaries } from './summaries.ts';
import { renderHeadToHead } from './versus.ts';

// One markdown document for the PR comment and the job summary. The verdict comes first so the
// notification preview and a glance at the PR say what happened; the evidence follows, the bulk
// of it collapsed so trim.ts can drop it whole when the document is too long.

export interface ReportContext {
  readonly ref?: string;
  readonly sha?: string;
  readonly event?: string;
}

export interface ReportInput {
  readonly run: RunResult;
  /** Null when there is no baseline to compare with (first run, or mode baseline). */
  readonly comparison: Comparison | null;
  /** Link to the uploaded artifact with the full report and raw results. */
  readonly artifactUrl?: string;
  readonly title?: string;
  /** Overrides run.source (e.g. the PR head ref and sha rather than the merge commit). */
  readonly context?: ReportContext;
}

const DEFAULT_TITLE = 'LLM performance';

function headline(input: ReportInput): string {
  const title = escapeInline(input.title ?? DEFAULT_TITLE);
  const { run, comparison } = input;
  const measured = `${run.engines.length} engine${run.engines.length === 1 ? '' : 's'} × ${run.scenarioSet.names.length} scenarios × ${run.repetitions} repetitions`;
  if (!comparison) {
    return run.partial ? `## ⚠️ ${title}: partial run, no baseline to compare with (${measured})` : `## ℹ️ ${title}: no baseline to compare with yet (${measured})`;
  }
  const { gate } = comparison;
  return `## ${gate.passed ? '✅' : '❌'} ${title}: ${gate.passed ? 'passed' : 'failed'} — ${verdictCounts(comparison)}`;
}

function reasons(input: ReportInput): string | null {
  const lines = (input.comparison?.gate.reasons ?? []).map((r) => `- ${escapeInline(r)}`);
  const failed = input.run.engines.filter((e) => e.status === 'failed').map((e) => escapeInline(e.engine));
  if (input.run.partial) lines.push(`- ⚠️ Partial run${failed.length ? `: ${failed.join(', ')} failed` : ''} (see Failures).`);
  return lines.length ? lines.join('\n') : null;
}

function provenance(input: ReportInput): string {
  const { run, comparison } = input;
  const ref = input.context?.ref ?? run.source.ref;
  const sha = shortSha(input.context?.sha ?? run.source.sha);
  const event = input.context?.event ?? run.source.event;
  const url = input.artifactUrl ? safeUrl(input.artifactUrl) : null;
  return [
    codeSpan(run.model),
    ref ? `ref ${escapeInline(ref)}` : null,
    sha ? `commit ${codeSpan(sha)}` : null,
    event ? escapeInline(event) : null,
    comparison ? `${comparison.mode} mode` : null,
    `scenarios ${codeSpan(run.scenarioSet.file)} (${codeSpan(run.scenarioSet.hash.slice(0, 12))})`,
    `seed ${run.seed}`,
    url ? `[full results](${url})` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

function footer(run: RunResult): string {
  return (
    `<sub>llm-perf-gate ${escapeInline(run.actionVersion)} · TTFT: time to the first generated token; TPOT: (E2E latency − TTFT) / (output tokens − 1); ` +
    `ITL: gap between successive tokens; definitions as in \`vllm bench serve\`.</sub>`
  );
}

/** The whole report as GitHub-flavoured markdown. Pure: the same input gives the same text. */
export function renderReport(input: ReportInput): string {
  const { run, comparison } = input;
  return (
    join(
      headline(input),
      reasons(input),
      provenance(input),
      renderHeadToHead(run),
      comparison && renderChanges(comparison, run.scenarioSet.names),
      comparison && renderSloViolations(comparison),
      comparison && renderChangePoints(comparison),
      renderMemory(run),
      renderRoofline(run),
      renderFailures(run),
      renderShortOutputs(run),
      renderThrottling(run),
      renderEnvironment(run, comparison),
      comparison && renderHistory(comparison),
      renderFullSummaries(run),
      footer(run),
    ) + '\n'
  );
}
