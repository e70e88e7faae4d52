import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { suggest } from '../../src/cli/args.ts';
import { COMMANDS } from '../../src/cli/commands.ts';
import { INPUT_DEFAULTS } from '../../src/config/inputs.ts';
import { FLAGS } from '../../src/cli/flags.ts';
import { nodeVersionProblem } from '../../src/cli/node-version.ts';
import { packageRoot } from '../../src/paths.ts';
import { runResult } from '../helpers/fixtures.ts';

// The CLI as a user meets it: help and version succeed, mistakes are one line naming the flag.

const cli = join(packageRoot(), 'src', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'cli-ux-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function llmPerfGate(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneCleanLine(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  assert.match(stderr, /^llm-perf-gate: /);
}

describe('help and version', () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    it(`${args.join(' ')} lists every command and exits 0`, () => {
      const r = llmPerfGate(...args);
      assert.equal(r.code, 0, r.stderr);
      for (const name of Object.keys(COMMANDS)) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'));
    });
  }
  it('a bare call shows the help and exits 1, like git', () => {
    const r = llmPerfGate();
    assert.equal(r.code, 1);
    assert.match(r.stdout, /usage: llm-perf-gate <command>/);
  });
  for (const args of [['--version'], ['-v']]) {
    it(`${args[0]} prints the package version`, () => {
      const r = llmPerfGate(...args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^llm-perf-gate \d+\.\d+\.\d+\n$/);
    });
  }
  for (const name of Object.keys(COMMANDS)) {
    it(`${name} --help and -h exit 0 with the command's usage`, () => {
      for (const flag of ['--help', '-h']) {
        const r = llmPerfGate(name, flag);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^usage: llm-perf-gate ${name} \\[flags\\]`));
      }
    });
  }
  it('run --help is generated from the flag table: every flag run accepts is listed with its value', () => {
    const r = llmPerfGate('run', '--help');
    for (const [name, def] of Object.entries(FLAGS)) {
      // Flags of other commands: compare/aggregate/noise, dashboard and mark-false-alarm.
      if (['current', 'in', 'title', 'repo-url', 'dashboard-window', 'pr', 'sha', 'note', 'by'].includes(name)) continue;
      assert.ok(r.stdout.includes(`--${name}${'value' in def ? ` ${def.value}` : ''} `), `--${name} missing from run --help`);
    }
    assert.match(r.stdout, /--confidence C/);
  });
  it('defaults in the help come from the inputs that parse them (the CLI\'s own where they differ)', () => {
    const r = llmPerfGate('run', '--help');
    assert.match(r.stdout, new RegExp(`--repetitions N +.*\\(default ${INPUT_DEFAULTS.repetitions}\\)`));
    assert.match(r.stdout, new RegExp(`--runs N +.*\\(default ${INPUT_DEFAULTS.runs}\\)`));
    assert.match(r.stdout, /--engines LIST +.*\(default sim\)/);
  });
  it('noise --help documents --out as the file it writes; commands that gate nothing leave out the gate\'s exit statuses', () => {
    const noise = llmPerfGate('noise', '--help').stdout;
    assert.match(noise, /^ {2}--out FILE +the markdown file to write the noise table to \(required\)$/m);
    for (const name of ['noise', 'sim-serve']) assert.doesNotMatch(llmPerfGate(name, '--help').stdout, /exit status/, name);
    assert.match(llmPerfGate('compare', '--help').stdout, /exit status: 0 the check passes .*, 3 the gate failed/);
  });
  it('help for a flag after other flags still wins: run --repetitions 3 --help', () => {
    assert.equal(llmPerfGate('run', '--repetitions', '3', '--help').code, 0);
  });
});

describe('mistakes are one line that names what the user typed', () => {
  it('an unknown command suggests the nearest one', () => {
    const r = llmPerfGate('compre');
    assert.equal(r.code, 1);
    oneCleanLine(r.stderr);
    assert.match(r.stderr, /unknown command "compre"; did you mean "compare"\?/);
  });
  it('an unknown flag suggests the nearest one of that command', () => {
    const r = llmPerfGate('run', '--repetiton', '3');
    assert.equal(r.code, 1);
    oneCleanLine(r.stderr);
    assert.match(r.stderr, /unknown flag --repetiton; did you mean --repetitions\?/);
  });
  it('a bad value names the flag, not the action input', () => {
    const r = llmPerfGate('run', '--repetitions', 'many', '--out', join(dir, 'x'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--repetitions: expected a whole number from 2 to 1000, got "many"/);
    assert.doesNotMatch(r.stderr, /input "/);
  });
  it('a missing file or folder is named with its flag before any work starts', () => {
    const r = llmPerfGate('noise', '--in', join(dir, 'nope'), '--out', join(dir, 'n.md'));
    assert.equal(r.code, 1);
    oneCleanLine(r.stderr);
    assert.match(r.stderr, /noise: --in \S+nope: no such file or folder/);
    const s = llmPerfGate('run', '--scenarios', join(dir, 'missing.yml'));
    assert.match(s.stderr, /run: --scenarios \S+missing\.yml: no such file or folder/);
  });
  it('noise from a job whose every engine failed before finishing a run says so and writes nothing', () => {
    const run = runResult();
    const file = join(dir, 'no-complete-start.json');
    writeFileSync(file, JSON.stringify({ ...run, partial: true, engines: run.engines.map((e) => ({ ...e, status: 'failed', error: 'cancelled', repetitions: e.repetitions.slice(0, 1) })) }));
    const out = join(dir, 'no-complete-start.md');
    const r = llmPerfGate('noise', '--in', file, '--out', out);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^noise: left out \S+no-complete-start\.json: vllm run 1 holds 1 of \d+ repetitions \(vllm failed: cancelled\)$/m);
    assert.match(r.stderr, /llm-perf-gate: noise: --in \S+no-complete-start\.json: no complete engine start to measure noise from/);
    assert.equal(existsSync(out), false);
  });
  it('a required flag that is missing is named with its value', () => {
    const r = llmPerfGate('compare', '--baseline', join(dir, 'b.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /compare: --current FILE\|DIR is required/);
  });
  it('a typo inside --sim-args is an input error (exit 1, naming the flag) before any engine starts', () => {
    const out = join(dir, 'sim-typo');
    const r = llmPerfGate('run', '--engines', 'sim-vllm', '--sim-args', '--slowdwn 1.05', '--out', out);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^llm-perf-gate: invalid flag:\n- --sim-args: unknown argument "--slowdwn": expected one of --profile, --slowdown,/);
    assert.doesNotMatch(r.stdout, /plan:/, 'nothing was planned or started');
    assert.equal(existsSync(out), false, 'nothing was written');
    const owned = llmPerfGate('run', '--engines', 'vllm', '--model', 'm', '--vllm-args', '--port 9000', '--out', out);
    assert.equal(owned.code, 1);
    assert.match(owned.stderr, /--vllm-args: engine argument --port is set by llm-perf-gate itself/);
  });
  it('a binary scenario file is named as not text, without echoing its bytes', () => {
    const garbage = join(dir, 'garbage.yml');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256)));
    const r = llmPerfGate('run', '--scenarios', garbage, '--out', join(dir, 'garbage-out'));
    assert.equal(r.code, 1);
    oneCleanLine(r.stderr);
    assert.equal(r.stderr, `llm-perf-gate: ${garbage}: not a text file: the scenario file must be YAML in UTF-8, and this one is not valid UTF-8\n`);
  });
  it('a flag that needs a value says which', () => {
    const r = llmPerfGate('run', '--model');
    assert.match(r.stderr, /run: --model needs a value \(ID\|PATH\)/);
  });
  it('a switch given a value is refused', () => {
    assert.match(llmPerfGate('run', '--records=yes').stderr, /--records is a switch/);
  });
});

describe('suggestions', () => {
  it('suggest picks the closest candidate and stays silent when nothing is close', () => {
    assert.equal(suggest('basline', ['baseline', 'current'], '--'), '; did you mean --baseline?');
    assert.equal(suggest('xyz', ['baseline', 'current'], '--'), '');
  });
});

describe('the Node version check', () => {
  it('names the version, the binary and what to run instead on an old Node', () => {
    const msg = nodeVersionProblem('v20.20.2', '/usr/bin/node');
    assert.match(msg ?? '', /needs Node 24 or newer, this is v20\.20\.2 \(\/usr\/bin\/node\)/);
    assert.match(msg ?? '', /npx llm-perf-gate/);
    assert.equal(nodeVersionProblem('v24.0.0', 'node'), null);
  });
});
