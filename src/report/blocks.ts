import { markdownTable } from 'markdown-table';

// Markdown building blocks shared by the report sections. Every caller passes cell text that is
// already escaped (escape.ts) or made of our own figures; these helpers only lay it out.

export type Align = 'l' | 'r' | 'c';

/** A GFM table; delimiters are not padded (padding costs characters that the comment limit needs). */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  return markdownTable([header, ...rows], { alignDelimiters: false, align: align ?? header.map(() => 'l') });
}

/**
 * A collapsed block. The blank lines around the body make GitHub render it as markdown; the
 * opening and closing tags sit on their own lines, which is what trim.ts relies on to find and
 * drop whole blocks.
 */
export function details(summary: string, body: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** Joins blocks with one blank line, leaving out empty ones. */
export function join(...blocks: (string | null | undefined | false)[]): string {
  return blocks.filter((b): b is string => typeof b === 'string' && b !== '').join('\n\n');
}
