// Input named on the command line: a file, or "-" for stdin (the usual Unix convention).
import { readFile } from "node:fs/promises";
import { CliError } from "./cli-error.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The text of `source`; a file that cannot be read is bad input (exit 2), not a crash. */
export async function readInput(source: string): Promise<string> {
  if (source === "-") return readStdin();
  try {
    return await readFile(source, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message;
    throw new CliError(`cannot read ${source}: ${why}`, "USAGE", { cause: e });
  }
}

/** JSON.parse with the source named in the message. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${source}: not valid JSON: ${(e as Error).message}`, "USAGE", { cause: e });
  }
}
