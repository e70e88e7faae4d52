#!/usr/bin/env node
import './cli/node-version.ts';
import { EXIT } from './exit.ts';
import { cliMain, reportError } from './cli/main.ts';
import { neutraliseWorkflowCommands } from './cli/safe-output.ts';

// Entry of the `llm-perf-gate` command. The version check above is imported first so it runs
// before anything else is evaluated.

neutraliseWorkflowCommands(process.stdout);
neutraliseWorkflowCommands(process.stderr);

process.on('uncaughtException', (err) => {
  reportError(err);
  process.exit(EXIT.error);
});

cliMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    reportError(err);
    process.exitCode = EXIT.error;
  },
);
