import { safeUrl } from './escape.ts';

// GitHub rejects a comment over 65,536 characters and a job summary over 1 MiB. Rather than fail
// (or let GitHub cut mid-table), the report sheds its collapsed <details> blocks, largest first,
// leaving a line in place of each, and only then truncates at a line where no code fence, table
// header or collapsed block is open. A note at the end says so and links the full report.

export interface SizeLimit {
  readonly max: number;
  /** GitHub counts comment length in characters and the job summary in bytes. */
  readonly unit: 'chars' | 'bytes';
}

/** Leaves room for the hidden marker that github/comment.ts appends (its keys are at most 64 characters). */
export const COMMENT_LIMIT: SizeLimit = Object.freeze({ max: 65_536 - 128, unit: 'chars' });
export const SUMMARY_LIMIT: SizeLimit = Object.freeze({ max: 1024 * 1024, unit: 'bytes' });

/** The note for a trimmed report, linking the artifact when there is a usable URL. */
export function trimNote(artifactUrl?: string): string {
  const url = artifactUrl ? safeUrl(artifactUrl) : null;
  const where = url ? `the [full report](${url})` : 'the full report';
  return `This report was trimmed to fit GitHub's size limit; ${where} is in the workflow run's artifacts.`;
}

function sizeOf(text: string, unit: SizeLimit['unit']): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

interface LineInfo {
  /** The line is part of a fenced code block (its fences included). */
  readonly inFence: boolean;
  /** <details> blocks open after this line. */
  readonly depth: number;
}

function scan(lines: readonly string[]): LineInfo[] {
  const info: LineInfo[] = [];
  let fence: { char: string; length: number } | null = null;
  let depth = 0;
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (fence) {
      if (m && m[1][0] === fence.char && m[1].length >= fence.length && line.trim() === m[1]) fence = null;
      info.push({ inFence: true, depth });
      continue;
    }
    if (m) {
      fence = { char: m[1][0], length: m[1].length };
      info.push({ inFence: true, depth });
      continue;
    }
    const t = line.trim();
    if (t.startsWith('<details')) depth++;
    if (t.includes('</details>')) depth = Math.max(0, depth - 1);
    info.push({ inFence: false, depth });
  }
  return info;
}

interface Block {
  readonly start: number;
  readonly end: number;
  readonly summary: string;
}

/** The outermost <details> blocks (line ranges, inclusive), ignoring any inside code fences. */
function collapsedBlocks(lines: readonly string[], info: readonly LineInfo[]): Block[] {
  const blocks: Block[] = [];
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (info[i].inFence) continue;
    const before = i === 0 ? 0 : info[i - 1].depth;
    if (before === 0 && info[i].depth > 0) start = i;
    if (before > 0 && info[i].depth === 0 && start >= 0) {
      const text = lines.slice(start, i + 1).join('\n');
      const summary = /<summary>([\s\S]*?)<\/summary>/.exec(text)?.[1].trim() ?? 'details';
      blocks.push({ start, end: i, summary });
      start = -1;
    }
  }
  return blocks;
}

function placeholder(summary: string): string {
  // An HTML block: the summary is HTML already (entities), and markdown would re-read its characters.
  return `<p><em>Left out to fit the size limit: ${summary}</em></p>`;
}

/** Replaces the largest blocks by a placeholder line until the text fits `budget` or none are left. */
function dropBlocks(lines: readonly string[], budget: number, size: (text: string) => number): string[] {
  // Sizes add up over concatenation, so the effect of each drop is known without re-rendering.
  let total = size(lines.join('\n'));
  const drop = new Map<number, Block>();
  const blocks = collapsedBlocks(lines, scan(lines))
    .map((b) => ({ block: b, saves: size(lines.slice(b.start, b.end + 1).join('\n')) - size(placeholder(b.summary)) }))
    .sort((x, y) => y.saves - x.saves);
  for (const { block, saves } of blocks) {
    if (total <= budget) break;
    drop.set(block.start, block);
    total -= saves;
  }
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const b = drop.get(i);
    if (b) {
      out.push(placeholder(b.summary));
      i = b.end;
    } else out.push(lines[i]);
  }
  return out;
}

/** Keeps the longest prefix of whole lines within `budget` that ends outside fences, blocks and table headers. */
function truncate(lines: readonly string[], budget: number, size: (text: string) => number): string {
  const info = scan(lines);
  let used = 0;
  let cut = 0;
  for (let i = 0; i < lines.length; i++) {
    used += size(lines[i]) + (i > 0 ? 1 : 0);
    if (used > budget) break;
    const safe = !info[i].inFence && info[i].depth === 0 && !(i + 1 < lines.length && TABLE_DELIMITER.test(lines[i + 1]) && !info[i + 1].inFence);
    if (safe) cut = i + 1;
  }
  return lines.slice(0, cut).join('\n').replace(/\s+$/, '');
}

/**
 * Fits markdown into `limit` (a SizeLimit, or a number of characters). Unchanged when it fits;
 * otherwise trimmed as described above, with `note` (markdown, e.g. trimNote(url)) shown at the end.
 */
export function fitToLimit(markdown: string, limit: SizeLimit | number, note: string): string {
  const { max, unit } = typeof limit === 'number' ? { max: limit, unit: 'chars' as const } : limit;
  const size = (text: string): number => sizeOf(text, unit);
  if (size(markdown) <= max) return markdown;
  const noteBlock = `\n\n> [!NOTE]\n> ${note.trim().split(/\r\n|\r|\n/).join('\n> ')}\n`;
  const budget = max - size(noteBlock);
  if (budget <= 0) throw new Error(`fitToLimit: the note alone (${size(noteBlock)} ${unit}) exceeds the limit of ${max} ${unit}`);
  const kept = dropBlocks(markdown.replace(/\s+$/, '').split('\n'), budget, size);
  const body = size(kept.join('\n')) <= budget ? kept.join('\n') : truncate(kept, budget, size);
  return body + noteBlock;
}
