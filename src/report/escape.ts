import { randomBytes } from 'node:crypto';

// Untrusted text (branch names, PR titles, model output, server logs, nvidia-smi strings) reaches
// two places: the markdown of the PR comment / job summary, and the Actions log. In markdown it
// must stay inert: no raw HTML (an <img onerror> or a forged `<!-- llm-perf-gate:… -->` marker that
// would hijack the sticky comment), no links or images, no @mentions that ping people, no pipes
// that split a table row. In the log it must not be able to issue workflow commands.

// Bidirectional overrides can make a log line or branch name read differently than it is
// ("Trojan Source"); other C0/C1 controls have no business in a report.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// ASCII punctuation that starts or ends inline markdown constructs: emphasis, code, links,
// images, strikethrough, table cells, headings, math, escapes themselves. `<`, `>` and `&`
// become entities instead.
const MARKDOWN_PUNCTUATION = /[\\`*_[\]()!|~#$]/g;
const NEWLINES = /\r\n|\r|\n/g;

function clean(text: string): string {
  return text.replace(INVISIBLE, '');
}

// Entities for the characters HTML gives meaning to, and a zero-width space after @ that keeps
// "@everyone" readable but stops the mention (Renovate does the same). GitHub finds mentions in
// the rendered text, so this holds inside raw HTML too.
function entities(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@/g, '@&#8203;');
}

function escapeBody(text: string): string {
  return entities(clean(text).replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`));
}

/**
 * Untrusted text inside raw HTML (a <summary> line): GitHub does not parse markdown there, so a
 * backslash escape would show; entities are what keep it inert. On one line.
 */
export function escapeHtml(text: string): string {
  return entities(clean(text).replace(NEWLINES, ' '));
}

/** Untrusted text for running markdown prose: inert, on one line (newlines become spaces). */
export function escapeInline(text: string): string {
  return escapeBody(text.replace(NEWLINES, ' '));
}

/** Untrusted text for a markdown table cell: inert, pipes escaped, newlines as <br>. */
export function escapeCell(text: string): string {
  return text.split(NEWLINES).map(escapeBody).join('<br>');
}

function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

function span(body: string): string {
  const fence = '`'.repeat(longestRun(body, '`') + 1);
  // GFM strips one space from each side when both are there; padding keeps a backtick at an edge
  // from merging with the fence and edge spaces from being eaten.
  const pad = body === '' || /^[` ]/.test(body) || /[` ]$/.test(body) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Untrusted text as an inline code span (literal, monospace, on one line) in prose. */
export function codeSpan(text: string): string {
  return span(clean(text).replace(NEWLINES, ' '));
}

/**
 * Untrusted text as an inline code span inside a table cell: GFM splits a row into cells before
 * it parses code spans, so pipes must be escaped even there (they render as plain `|`).
 */
export function codeCell(text: string): string {
  return span(clean(text).replace(NEWLINES, ' ').replace(/\|/g, '\\|'));
}

/** Untrusted multi-line text (a server log) as a fenced code block whose fence it cannot close. */
export function codeBlock(text: string, info = ''): string {
  const body = clean(text).replace(NEWLINES, '\n').replace(/\n+$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/**
 * A link target we are willing to put into markdown: http(s) only (no javascript:, data:),
 * with the characters that end a markdown link destination percent-encoded. Null otherwise.
 */
export function safeUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  return parsed.href.replace(/[()<> "'`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Wraps text echoed to the Actions log so the runner ignores any `::command::` inside it
 * (a server log could otherwise set outputs, add masks or fake errors). The token is random
 * per call, so the text cannot guess it and end the pause early.
 */
export function stopCommands(text: string): string {
  let token: string;
  do token = randomBytes(16).toString('hex');
  while (text.includes(token));
  return `::stop-commands::${token}\n${text}\n::${token}::`;
}
