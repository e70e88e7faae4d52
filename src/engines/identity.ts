import { authHeaders, serverRoot, v1 } from './ready.ts';

// What a server says about itself, for engines whose version no Python environment of ours can
// tell (an endpoint someone else runs, a custom command): the version its /version route reports
// (vLLM, SGLang and TGI's /info each have one) and its HTTP Server header. Either may be missing;
// what is known is recorded, nothing is guessed.

const TIMEOUT_MS = 5_000;

/** "0.22.0 (server: uvicorn)", "server: llama.cpp", or null when the server says nothing. */
export async function serverVersion(baseUrl: string, apiKey?: string): Promise<string | null> {
  const headers = authHeaders(apiKey);
  const [version, server] = await Promise.all([versionRoute(`${serverRoot(baseUrl)}/version`, headers), serverHeader(v1(baseUrl, 'models').href, headers)]);
  const parts = [version, server ? `server: ${server}` : null].filter((p): p is string => p !== null);
  if (parts.length === 0) return null;
  return version && server ? `${version} (server: ${server})` : parts[0];
}

async function versionRoute(url: string, headers: Record<string, string>): Promise<string | null> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = (await res.text()).trim();
    if (res.status !== 200 || text === '') return null;
    try {
      const body = JSON.parse(text) as unknown;
      if (typeof body === 'string') return clean(body);
      const v = (body as { version?: unknown }).version;
      return typeof v === 'string' ? clean(v) : null;
    } catch {
      // A plain-text version is taken as long as it looks like one.
      return /^v?\d+(\.\d+)*[\w.+-]*$/.test(text) ? clean(text) : null;
    }
  } catch {
    return null;
  }
}

async function serverHeader(url: string, headers: Record<string, string>): Promise<string | null> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    const server = res.headers.get('server');
    return server ? clean(server) : null;
  } catch {
    return null;
  }
}

/** One short line: a server's own text ends up in the fingerprint and the report. */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 80);
}
