import { logSafe } from '../github/log-safe.ts';

// The CLI runs inside workflows too, and echoes text it did not write: model paths and served
// model ids, scenario names, engine errors and logs, values from a baseline file. The runner would
// read `::add-mask::…` or `##[set-output …]` in any of them as a command. Rather than trusting every
// message to be wrapped, the CLI's two output streams pass everything through logSafe (the CLI
// itself never means to issue a workflow command), so no path can be missed.

export function neutraliseWorkflowCommands(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') return write(logSafe(chunk), ...rest);
    if (!(chunk instanceof Uint8Array)) return write(chunk, ...rest);
    // Written as text now: an encoding argument (meaningless for bytes) is dropped, a callback kept.
    return write(logSafe(Buffer.from(chunk).toString('utf8')), ...rest.filter((r) => typeof r === 'function'));
  }) as typeof stream.write;
}
