// Questions for a person at a terminal. Asked on stderr, so stdout stays the command's output.
// Never a password: only the path of a file holding it, so no secret is typed, echoed or kept
// in shell history.
import { createInterface, type Interface } from "node:readline/promises";
import { CliError } from "../cli-error.js";

export class Prompter {
  #rl: Interface;
  /** Rejects when the terminal goes away (Ctrl-D) or Ctrl-C: a pending question never answers then. */
  #closed: Promise<never>;
  #asked = 0;

  constructor() {
    this.#rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // In raw mode Ctrl-C reaches readline, not the process; without this it would only pause.
    this.#rl.on("SIGINT", () => this.#rl.close());
    this.#closed = new Promise((_, reject) => this.#rl.once("close", () => reject(new CliError("herald init cancelled; nothing was written", "CANCELLED"))));
    this.#closed.catch(() => undefined);
  }

  /** The answer, trimmed; Enter alone gives `dflt` (undefined if there is none). */
  async ask(question: string, dflt?: string): Promise<string | undefined> {
    this.#asked++;
    const answer = (await Promise.race([this.#rl.question(dflt ? `${question} [${dflt}]: ` : `${question}: `), this.#closed])).trim();
    return answer === "" ? dflt : answer;
  }

  /** Asks until there is an answer (Ctrl-C or Ctrl-D ends the command instead). */
  async require(question: string): Promise<string> {
    for (;;) {
      const a = await this.ask(question);
      if (a) return a;
    }
  }

  /** Whether any question was put. */
  get asked(): boolean {
    return this.#asked > 0;
  }

  close(): void {
    this.#rl.close();
  }
}
