// Reads an engine's log after a failed start and picks out what a person needs to see: the error
// lines (not the whole Python traceback) and, for the failures that have a known fix, a hint.

export interface LogDiagnosis {
  /** A one-line explanation with the usual fix, when the log matches a known failure. */
  readonly hint: string | null;
  /** The log lines that carry the error, oldest first, at most MAX_ERROR_LINES. */
  readonly errorLines: readonly string[];
}

const MAX_ERROR_LINES = 8;
const MAX_LINE_CHARS = 400;

const KNOWN: readonly { readonly pattern: RegExp; readonly hint: string }[] = [
  {
    pattern: /CUDA out of memory|OutOfMemoryError|CUBLAS_STATUS_ALLOC_FAILED|No available memory for the cache blocks|not enough (GPU )?memory|insufficient memory for (the )?KV cache|larger than the (available|maximum) KV cache/i,
    hint: 'the GPU ran out of memory: lower gpu-memory-utilization or max-model-len, use a smaller model, or free the GPU',
  },
  {
    pattern: /address already in use|EADDRINUSE|\[Errno 98\]/i,
    hint: 'the port was already taken by another process',
  },
  {
    pattern: /unrecognized arguments|error: argument|No such option|Got unexpected extra argument|Invalid value for|Missing argument/i,
    hint: 'the engine rejected its command-line arguments (check engine-args)',
  },
  {
    pattern: /No module named|ModuleNotFoundError|Missing dependencies for serving/i,
    hint: "a Python package is missing from the engine's environment",
  },
  {
    pattern: /Repository Not Found|is not a local folder and is not a valid model identifier|We couldn't connect to|LocalEntryNotFoundError|HFValidationError/i,
    hint: 'the model could not be found (check the model input and that its files or the Hugging Face cache are on the runner)',
  },
];

// A line that names the error ("torch.OutOfMemoryError: ...", "error: unrecognized arguments").
const STRONG = /\b[A-Za-z_.]*(Error|Exception)\b:|\berror:|^Error\b/i;
// A line from a logger at error level, or one that says something failed.
const WEAK = /\b[A-Za-z_.]*(Error|Exception)\b|\berror\b|\bfatal\b|\bfailed\b|Killed/i;
// Traceback frames and code excerpts say where, not what (also when a logger prefixes them).
const FRAME = /File "[^"]+", line \d+|Traceback \(most recent call last\)|^(\([^)]*\) )?(ERROR|WARNING|INFO)?[^|]*\]\s{3,}|\s[\^~]{3,}\s*$/;

export function diagnoseLog(text: string): LogDiagnosis {
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !FRAME.test(l));
  const hint = KNOWN.find((k) => k.pattern.test(text))?.hint ?? null;
  const strong = lines.filter((l) => STRONG.test(l) || KNOWN.some((k) => k.pattern.test(l)));
  const chosen = strong.length > 0 ? strong : lines.filter((l) => WEAK.test(l));
  const picked: string[] = [];
  for (const line of chosen) {
    const clipped = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
    if (!picked.includes(clipped)) picked.push(clipped);
  }
  return { hint, errorLines: picked.slice(-MAX_ERROR_LINES) };
}

/** Indented block of lines for an error message ('' when there are none). */
export function quoteLines(title: string, lines: readonly string[]): string {
  if (lines.length === 0) return '';
  return `\n${title}:\n${lines.map((l) => `  | ${l}`).join('\n')}`;
}
