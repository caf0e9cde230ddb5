// Where `herald agent` sends its log records: a human line per record on stderr, and JSON lines
// appended to <gitdir>/herald/agent.log (what `herald log` will read back).
import { createWriteStream, type WriteStream } from "node:fs";
import { formatHuman, type LogRecord } from "@herald/agent";
import { colorEnabled, palette } from "./color.js";

export type Sink = (r: LogRecord) => void;

export function consoleSink(stream: NodeJS.WriteStream = process.stderr): Sink {
  const { red, yellow, dim } = palette(colorEnabled(stream));
  const paint = { debug: dim, info: (s: string) => s, warn: yellow, error: red };
  return (r) => void stream.write(`${paint[r.level](formatHuman(r))}\n`);
}

/**
 * JSON lines to a file whose path is known only after the agent has started (it lives in the
 * clone's git dir), while the agent logs during start-up. Records are held until `open()`, so the
 * file still begins with "started"; `discard()` drops them when start-up failed.
 */
export class JsonLogFile {
  #pending: LogRecord[] | null = [];
  #stream: WriteStream | null = null;

  readonly sink: Sink = (r) => {
    if (this.#pending) this.#pending.push(r);
    else this.#stream?.write(`${JSON.stringify(r)}\n`);
  };

  open(path: string): void {
    // 0600: the log names remotes and peers; nobody else on the machine needs to read it.
    const stream = createWriteStream(path, { flags: "a", mode: 0o600 });
    // A full disk must not take the agent down: say so once and keep logging to stderr only.
    stream.on("error", (e) => {
      process.stderr.write(`herald: cannot write ${path}: ${e.message}; logging to stderr only\n`);
      this.#stream = null;
    });
    this.#stream = stream;
    const held = this.#pending ?? [];
    this.#pending = null;
    for (const r of held) this.sink(r);
  }

  discard(): void {
    this.#pending = null;
  }

  async close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = null;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }
}
