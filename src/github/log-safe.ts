// Text from users or engines echoed to the Actions log must never be read as a workflow command.
// The runner takes `::name::` at the start of a line and `##[name]` anywhere in one (both forms
// set outputs, add masks or stop command processing). A zero-width space after the first character
// breaks both forms and changes nothing a reader sees.

const ZWSP = '\u200b';

export function logSafe(text: string): string {
  return text.replace(/##\[/g, `#${ZWSP}#[`).replace(/^(\s*):/gm, `$1:${ZWSP}`);
}
