// Structural checks of generated GitHub markdown, for tests: fences closed, <details> balanced,
// every table row with as many cells as its header, and no raw HTML other than the tags the
// report itself writes. Returns the problems found (empty = well-formed).

const OWN_TAGS = new Set(['details', 'summary', 'br', 'sub', 'p', 'em']);
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** Cells of a table row: pipes split cells unless escaped (also inside code spans, as GFM does). */
export function cellCount(row: string): number {
  const body = row.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return body.split(/(?<!\\)\|/).length;
}

function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, '');
}

export function checkMarkdown(md: string): string[] {
  const problems: string[] = [];
  const lines = md.split('\n');
  let fence: string | null = null;
  let depth = 0;
  let tableCells: number | null = null;
  lines.forEach((line, i) => {
    const at = `line ${i + 1}`;
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      return;
    }
    if (f) {
      fence = f[1];
      tableCells = null;
      return;
    }
    if (line.trim().startsWith('|')) {
      if (tableCells === null) {
        if (!DELIMITER.test(lines[i + 1] ?? '')) problems.push(`${at}: table header without a delimiter row`);
        tableCells = cellCount(line);
      } else if (cellCount(line) !== tableCells) {
        problems.push(`${at}: ${cellCount(line)} cells, header has ${tableCells}: ${line}`);
      }
    } else {
      tableCells = null;
    }
    for (const m of withoutCodeSpans(line).matchAll(/<\/?([a-zA-Z][\w-]*)/g)) {
      if (!OWN_TAGS.has(m[1].toLowerCase())) problems.push(`${at}: raw HTML <${m[1]}>`);
    }
    if (/<!--/.test(withoutCodeSpans(line))) problems.push(`${at}: HTML comment`);
    depth += (line.match(/<details>/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
    if (depth < 0) problems.push(`${at}: </details> without <details>`);
  });
  if (fence) problems.push(`unclosed code fence ${fence}`);
  if (depth > 0) problems.push(`${depth} unclosed <details>`);
  return problems;
}
