import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SIM_OPTIONS, formatSimArgs, parseSimArgs } from '../../src/engines/sim/options.ts';

test('no flags give the documented defaults', () => {
  assert.deepEqual(parseSimArgs([]), DEFAULT_SIM_OPTIONS);
  assert.equal(DEFAULT_SIM_OPTIONS.profile, 'vllm');
  assert.equal(DEFAULT_SIM_OPTIONS.model, 'sim-qwen2.5-7b');
  assert.equal(DEFAULT_SIM_OPTIONS.host, '127.0.0.1');
  assert.equal(DEFAULT_SIM_OPTIONS.port, 0);
});

test('every flag is read, in both --flag value and --flag=value forms', () => {
  const o = parseSimArgs(['--profile=transformers', '--slowdown', '2.5', '--noise', '0.04', '--seed=9', '--tokens-per-chunk', '4', '--batch', '8', '--model', 'm', '--host', '0.0.0.0', '--port', '8123']);
  assert.deepEqual(
    { ...o },
    { profile: 'transformers', slowdown: 2.5, noise: 0.04, seed: 9, cadenceMs: null, ttftMs: null, tokensPerChunk: 4, batch: 8, kvTokens: DEFAULT_SIM_OPTIONS.kvTokens, model: 'm', host: '0.0.0.0', port: 8123, apiKey: null },
  );
  const c = parseSimArgs(['--cadence-ms', '2', '--ttft-ms', '0']);
  assert.equal(c.cadenceMs, 2);
  assert.equal(c.ttftMs, 0);
  assert.equal(parseSimArgs(['--kv-tokens', '4096']).kvTokens, 4096);
});

test('bad input names the flag and what it accepts', () => {
  const cases: [string[], RegExp][] = [
    [['--speed', '2'], /unknown argument "--speed": expected one of --profile, .*--port/],
    [['serve'], /unknown argument "serve"/],
    [['--profile', 'tgi'], /--profile "tgi" is invalid: expected vllm or transformers/],
    [['--slowdown', '0'], /--slowdown "0" is invalid: expected a number > 0/],
    [['--slowdown', 'fast'], /--slowdown "fast" is invalid/],
    [['--noise', '1.5'], /--noise "1.5" is invalid: expected a coefficient of variation from 0 to 1/],
    [['--seed', '-1'], /--seed "-1" is invalid: expected a non-negative integer/],
    [['--port', '70000'], /--port "70000" is invalid: expected an integer from 0 to 65535/],
    [['--tokens-per-chunk', '0'], /--tokens-per-chunk "0" is invalid/],
    [['--kv-tokens', '8'], /--kv-tokens "8" is invalid: expected an integer of at least 16/],
    [['--model', ''], /--model "" is invalid: expected a non-empty model id/],
    [['--port'], /--port needs a value: an integer from 0 to 65535/],
    [['--model', '--port', '80'], /--model needs a value: a non-empty model id/],
    [['--seed', '1', '--seed', '2'], /--seed given twice/],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseSimArgs(argv), message, argv.join(' '));
});

test('flags that would be silently ignored are refused', () => {
  assert.throws(() => parseSimArgs(['--batch', '4']), /--batch applies to --profile transformers only/);
  assert.throws(() => parseSimArgs(['--profile', 'transformers', '--kv-tokens', '4096']), /--kv-tokens applies to --profile vllm only/);
  assert.throws(() => parseSimArgs(['--ttft-ms', '5']), /--ttft-ms needs --cadence-ms/);
  assert.throws(() => parseSimArgs(['--cadence-ms', '5', '--slowdown', '2']), /--slowdown does not apply with --cadence-ms/);
  assert.throws(() => parseSimArgs(['--cadence-ms', '5', '--noise', '0.1']), /--noise does not apply with --cadence-ms/);
  assert.throws(() => parseSimArgs(['--cadence-ms', '5', '--profile', 'transformers']), /--profile does not apply with --cadence-ms/);
});

test('formatSimArgs gives argv that parses back to the same options', () => {
  const samples = [
    DEFAULT_SIM_OPTIONS,
    parseSimArgs(['--profile', 'transformers', '--batch', '4', '--slowdown', '1.25', '--noise', '0.03', '--seed', '77', '--port', '9000']),
    parseSimArgs(['--cadence-ms', '1.5', '--ttft-ms', '40', '--tokens-per-chunk', '3', '--model', 'x y']),
    parseSimArgs(['--cadence-ms', '5']),
    parseSimArgs(['--model=--odd=name']),
  ];
  for (const opts of samples) assert.deepEqual(parseSimArgs(formatSimArgs(opts)), opts);
});
