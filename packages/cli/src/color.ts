// Colour only for a person at a terminal: never when NO_COLOR is set (https://no-color.org),
// never into a pipe or file (logs, CI, tests read plain text), never on TERM=dumb.

export type Paint = (text: string) => string;

export function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true && env.TERM !== "dumb";
}

const sgr = (open: number, close: number): Paint => (text) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain: Paint = (text) => text;

export function palette(enabled: boolean): { red: Paint; yellow: Paint; dim: Paint } {
  return enabled
    ? { red: sgr(31, 39), yellow: sgr(33, 39), dim: sgr(2, 22) }
    : { red: plain, yellow: plain, dim: plain };
}
