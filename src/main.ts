import * as core from '@actions/core';
import { readInputs, type ActionConfig } from './config/inputs.ts';
import { afterGate, checkDashboardInputs, runDashboardStep } from './dashboard/action.ts';
import { baselineStoreFor } from './github/stores.ts';
import { trackServers } from './engines/cancel.ts';
import { gateAnnotations } from './github/annotations.ts';
import { commentDecision, commentKey, upsertStickyComment } from './github/comment.ts';
import { logSafe } from './github/log-safe.ts';
import { assertSafeToRun, readGitHubContext, type GitHubContext } from './github/context.ts';
import { notRecordedBecause, recordBaseline, runGate, type GateOptions } from './pipeline.ts';
import { stopCommands } from './report/escape.ts';
import { COMMENT_LIMIT, SUMMARY_LIMIT, fitToLimit, trimNote } from './report/trim.ts';
import { PGID_STATE } from './state.ts';
import { progressReporter } from './progress.ts';
import { outcomeTitle, type GateOutcome } from './report/outcome.ts';

// The action's main step, the GitHub side of a gate run: inputs, context and safety check, then the
// core (runGate: baseline read, measure or aggregate shards, compare, report, files), then publish
// (step outputs, baseline record, job summary, sticky comment) → pass or setFailed.

/** Server groups tracked for cancellation and recorded for the post step (none in the aggregate job). */
function serverTracking(config: ActionConfig): Pick<GateOptions, 'hooks'> & { readonly signal?: AbortSignal } {
  if (config.mode === 'aggregate') return { hooks: actionLogHooks() };
  const servers = trackServers(
    (m) => core.warning(logSafe(m)),
    (pgids) => {
      try {
        core.saveState(PGID_STATE, JSON.stringify(pgids));
      } catch (err) {
        // The server still runs and this step still stops it; only a crash would now leave it behind.
        core.warning(`could not record engine server groups ${pgids.join(', ')} for the post step: ${(err as Error).message}`);
      }
    },
  );
  return { hooks: { ...actionLogHooks(), onSpawn: servers.onSpawn, onStopped: servers.onStopped }, signal: servers.signal };
}

/**
 * The Actions log: a collapsible group per engine, with a progress line per scenario or every 10 s.
 * Engine messages quote the model, the engine arguments and server logs: inputs anyone opening a
 * PR can set, so none reaches the log as a workflow command.
 */
function actionLogHooks() {
  const reporter = progressReporter({ tty: false, write: (text) => core.info(logSafe(text.replace(/\n$/, ''))) });
  return {
    info: (m: string) => core.info(logSafe(m)),
    warning: (m: string) => core.warning(logSafe(m)),
    progress: reporter.progress,
    engine: (label: string, phase: 'start' | 'end') => {
      if (phase === 'start') core.startGroup(logSafe(`${label}: start, measure, stop`));
      else {
        reporter.engineEnd();
        core.endGroup();
      }
    },
  };
}

async function publishComment(config: ActionConfig, ctx: GitHubContext, report: string, outcome: GateOutcome): Promise<string> {
  const pr = ctx.pullRequest;
  // A shard's report covers part of the plan: only the aggregate job comments.
  if (!pr || !ctx.repository || config.shard.count > 1) return '';
  const decision = commentDecision(config.comment, outcome.failed || outcome.outcome === 'regression');
  if (decision === 'none') return '';
  if (!config.githubToken) {
    core.warning('input "github-token" is empty: the report is in the job summary only');
    return '';
  }
  const result = await upsertStickyComment({
    token: config.githubToken,
    owner: ctx.repository.owner,
    repo: ctx.repository.repo,
    issueNumber: pr.number,
    body: fitToLimit(report, COMMENT_LIMIT, trimNote(ctx.runUrl ?? undefined)),
    key: commentKey(process.env.GITHUB_JOB ?? ''),
    create: decision === 'upsert',
    warn: (m) => core.warning(m),
  });
  core.info(`pull-request comment: ${result.action}${result.url ? ` ${result.url}` : ''}`);
  return result.url ?? '';
}

/** Shards write beside each other; the aggregate beside the shard folders it read. */
function outputDir(config: ActionConfig): string {
  if (config.mode === 'aggregate') return `${config.resultsDir}/aggregate`;
  return config.shard.count > 1 ? `${config.resultsDir}/shard-${config.shard.index}` : config.resultsDir;
}

export async function run(): Promise<void> {
  try {
    if (core.getInput('mode').trim() === 'dashboard') return await runDashboardStep();
    const config = readInputs((name) => core.getInput(name));
    checkDashboardInputs();
    // Masked before anything can print it; it is never written to results either.
    if (config.apiKey) core.setSecret(config.apiKey);
    const ctx = readGitHubContext();
    if (config.mode !== 'aggregate') assertSafeToRun(ctx, config.allowForkPrs);
    const store = baselineStoreFor(config, ctx);
    const trusted = ctx.trustedForBaseline;
    // A baseline workflow that can never record must not pass quietly, run after run.
    const never = config.shard.count > 1 ? null : notRecordedBecause({ config, store, trusted });
    const untrustedBaseline =
      config.mode === 'baseline' && !trusted && never !== null ? `mode "baseline" on a ${ctx.eventName ?? 'local'} event: ${never}; this run was measured but NOT recorded` : null;
    if (untrustedBaseline) core.warning(untrustedBaseline);
    const { run, evaluation, comparison, outcome, report, outputs: out } = await runGate({
      config,
      store,
      trusted,
      ...serverTracking(config),
      source: { sha: ctx.pullRequest?.headSha ?? ctx.sha, ref: ctx.pullRequest?.headRef ?? ctx.ref, event: ctx.eventName },
      keepRecords: false,
      outDir: outputDir(config),
      report: {
        artifactUrl: ctx.runUrl ?? undefined,
        context: { ref: ctx.pullRequest?.headRef ?? ctx.ref ?? undefined, sha: ctx.pullRequest?.headSha ?? ctx.sha ?? undefined, event: ctx.eventName },
      },
    });
    for (const e of run.engines.filter((x) => x.status !== 'ok')) {
      core.error(logSafe(`${e.engine} failed: ${e.error}`));
      if (e.logTail) {
        core.startGroup(`${e.engine} server log (last lines)`);
        core.info(stopCommands(logSafe(e.logTail)));
        core.endGroup();
      }
    }
    // What was measured is on disk (runGate wrote it) and in the outputs before anything that can
    // still fail (the baseline write, the summary, the comment) is tried.
    const regressions = comparison?.engines.flatMap((e) => e.metrics.filter((m) => m.verdict === 'regression').map((m) => `${e.engine}/${m.scenario}/${m.metric}`)) ?? [];
    core.setOutput('verdict', outcome.verdict);
    core.setOutput('regressions', String(regressions.length));
    if (regressions.length) core.info(`regressions: ${regressions.join(', ')}`);
    core.setOutput('report-path', out.reportPath);
    core.setOutput('results-path', out.resultsPath);
    core.setOutput('comment-url', '');
    core.info(logSafe(outcomeTitle(outcome, 'gate')));
    for (const a of gateAnnotations(comparison, outcome)) (a.level === 'error' ? core.error : core.warning)(logSafe(a.message), { title: logSafe(a.title) });

    let recordError: string | null = null;
    if (evaluation) {
      try {
        core.info(`baseline: ${(await recordBaseline(run, evaluation)).recordNote}`);
      } catch (err) {
        recordError = `the baseline could not be recorded: ${(err as Error).message}`;
      }
    }
    // A shard's report covers part of the plan: the aggregate job logs the gate and links the dashboard.
    const published = config.shard.count > 1 ? report : await afterGate(config, ctx, run, comparison, report);
    try {
      const notes = [untrustedBaseline, recordError].filter((n) => n !== null).map((n) => `> [!WARNING]\n> ${n}\n\n`).join('');
      await core.summary.addRaw(notes + fitToLimit(published, SUMMARY_LIMIT, trimNote(ctx.runUrl ?? undefined))).write();
    } catch (err) {
      core.warning(`the job summary could not be written: ${(err as Error).message}`);
    }
    try {
      core.setOutput('comment-url', await publishComment(config, ctx, published, outcome));
    } catch (err) {
      // The gate's verdict does not depend on whether GitHub took the comment.
      core.warning(`the pull-request comment could not be written: ${(err as Error).message}; the report is in the job summary and ${out.reportPath}`);
    }

    const gate = comparison?.gate;
    if (gate && !gate.passed) core.setFailed(`performance gate failed (${outcome.verdict}):\n${gate.reasons.join('\n')}`);
    else if (outcome.failed) core.setFailed(`the run is incomplete: ${run.engines.filter((e) => e.status !== 'ok').map((e) => `${e.engine}: ${e.error}`).join('; ') || 'cancelled'}`);
    else if (recordError) core.setFailed(recordError);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
