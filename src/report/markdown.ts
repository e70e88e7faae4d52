import type { Comparison, EngineResult, RunResult } from '../types.ts';
import { join } from './blocks.ts';
import { renderChangePoints, renderErrors, renderOtherComparisons, renderRegressions, renderSloViolations } from './changes.ts';
import { renderHistory } from './chart.ts';
import { renderEnvironment, renderFingerprintNote } from './environment.ts';
import { cliFlag, engineSentences, noiseLine, type InputName } from './gist.ts';
import { readAll, type ReadComparison } from './reading.ts';
import { renderRecordHint, type RecordHint } from './record-hint.ts';
import { codeSpan, escapeInline, safeUrl } from './escape.ts';
import { renderFailures } from './failures.ts';
import { renderShortOutputs } from './lengths.ts';
import { shortSha } from './format.ts';
import { gateOutcome, missingBaselineText, outcomeTitle, type GateOutcome } from './outcome.ts';
import { renderRelease } from './release.ts';
import { renderRoofline } from './roofline.ts';
import { sequentialLine } from './sequential.ts';
import { renderCapacity } from './capacity.ts';
import { renderKvCapacity, renderMemory, renderThrottling } from './memory.ts';
import { renderFullSummaries } from './summaries.ts';
import { renderHeadToHead } from './versus.ts';

// One markdown document for the PR comment and the job summary, built for a reviewer's first
// screen: the verdict with one sentence per engine (did it regress, by how much, how sure, what to
// do next), then regressions with their evidence, exceeded limits and change points, then vLLM vs
// Transformers. Everything else is collapsed, summarised in its <summary> line, so trim.ts can
// drop it whole when the document is too long.

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
  /** The history window W the comparison used (input `history`): more baseline runs than W are never compared. */
  readonly historyWindow?: number;
  /** Where a first run's report says how to record a baseline (the CLI's paths; the workflow input otherwise). */
  readonly record?: RecordHint;
  /** The gate's outcome (report/outcome.ts); without it, the outcome under the default policy (fail-on regression). */
  readonly outcome?: GateOutcome;
}

type Readings = ReadonlyMap<string, readonly ReadComparison[]>;

/** Inputs as the reader sets them: `--runs 4` for a report the CLI wrote, `runs: 4` in a workflow. */
function inputName(input: ReportInput): InputName {
  return input.record ? cliFlag : (name, value) => codeSpan(`${name}: ${value}`);
}

const DEFAULT_TITLE = 'LLM performance';

function headline(input: ReportInput, outcome: GateOutcome): string {
  return `## ${outcomeTitle(outcome, escapeInline(input.title ?? DEFAULT_TITLE))}`;
}

/**
 * Said on an engine's line when some of its output tokens were estimated: throughput, TPOT and
 * ITL all rest on those counts, so it belongs above the fold, not only in the environment table.
 */
function countsNote(e: EngineResult | undefined): string | null {
  if (e?.fingerprint.tokenCounts !== 'estimated') return null;
  const estimated = e.pooled.reduce((n, s) => n + (s.estimatedCounts ?? 0), 0);
  const completed = e.pooled.reduce((n, s) => n + s.completed, 0);
  return (
    `⚠️ token counts estimated: the server sent no usage for ${estimated} of ${completed} completed requests, ` +
    'so their output tokens are the chunks streamed, one token each'
  );
}

/** Under the headline: one sentence per engine, and a partial run said as such. */
function verdictLines(input: ReportInput, readings: Readings | null, outcome: GateOutcome): string | null {
  const { run, comparison } = input;
  const lines: string[] = [];
  if (outcome.missing) lines.push(`- ${outcome.failed ? '❌' : '⚠️'} ${escapeInline(missingBaselineText(outcome.missing))}`);
  const counted = new Set<string>();
  if (comparison && readings) {
    const sentences = engineSentences(comparison, run, readings, { esc: escapeInline, input: inputName(input), window: input.historyWindow });
    comparison.engines.forEach((e, i) => {
      const s = sentences[i];
      const colon = s.indexOf(': ');
      const counts = countsNote(run.engines.find((r) => r.engine === e.engine));
      counted.add(e.engine);
      lines.push(`- **${s.slice(0, colon)}**${s.slice(colon)}${counts ? ` — ${counts}` : ''}`);
      const noise = noiseLine(e);
      if (noise) lines.push(`  - ${noise}`);
    });
  }
  for (const e of run.engines) {
    const counts = counted.has(e.engine) ? null : countsNote(e);
    if (counts) lines.push(`- **${escapeInline(e.engine)}**: ${counts}`);
  }
  if (run.sequential) lines.push(`- ${sequentialLine(run.sequential)}`);
  const failed = run.engines.filter((e) => e.status === 'failed').map((e) => escapeInline(e.engine));
  if (run.partial) lines.push(`- ⚠️ Partial run${failed.length ? `: ${failed.join(', ')} failed` : ''} (see Failures).`);
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
  const readings = comparison ? readAll(comparison) : null;
  const outcome = input.outcome ?? gateOutcome({ run, comparison, failOn: 'regression' });
  const order = run.scenarioSet.names;
  const firstRun = !comparison || comparison.engines.every((e) => e.baselineRuns === 0);
  return (
    join(
      headline(input, outcome),
      verdictLines(input, readings, outcome),
      provenance(input),
      firstRun && !run.partial ? renderRecordHint(input.record) : null,
      comparison && readings && renderErrors(comparison, readings, order),
      comparison && readings && renderRegressions(comparison, readings, order),
      comparison && renderSloViolations(comparison),
      comparison && renderChangePoints(comparison),
      comparison && renderRelease(comparison),
      renderCapacity(run),
      renderKvCapacity(run),
      renderHeadToHead(run),
      renderFailures(run),
      renderShortOutputs(run),
      renderThrottling(run),
      comparison && renderFingerprintNote(comparison),
      comparison && readings && renderOtherComparisons(comparison, readings, order, inputName(input)),
      renderMemory(run),
      renderRoofline(run),
      renderEnvironment(run, comparison),
      comparison && readings && renderHistory(comparison, readings),
      renderFullSummaries(run),
      footer(run),
    ) + '\n'
  );
}

