// The CLI's one error policy (changesets' cli/src/index.ts: one catch at the top). Commands throw;
// bin.ts turns whatever was thrown into `herald: <one line>` on stderr and an exit code:
// 0 ok, 1 failure, 2 bad usage or bad input (interfaces.md).

/** Codes that mean "the user asked for something impossible", not "something broke". */
const BAD_INPUT_CODES: ReadonlySet<string> = new Set(["USAGE", "NOT_A_REPO", "CONFIG", "BAD_PLAN_INPUT"]);

/**
 * An error raised by the CLI itself. `code` follows HeraldError's codes so the mapping below
 * treats both alike; the default, USAGE, means bad usage or bad input (exit 2).
 */
export class CliError extends Error {
  constructor(message: string, readonly code: string = "USAGE", options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

export function exitCodeFor(err: unknown): 1 | 2 {
  const code = codeOf(err);
  return code !== undefined && BAD_INPUT_CODES.has(code) ? 2 : 1;
}

/**
 * yargs (strict mode) names an unknown `--dry-rn` twice, as `dry-rn, dryRn`, because it expands
 * kebab-case flags to camelCase before checking; users typed only the first.
 */
export function usageMessage(msg: string, argv: readonly string[] = []): string {
  // yargs' recommendCommands says only "Did you mean status?": name what was typed too.
  const guess = /^Did you mean (\S+)\?$/.exec(msg);
  const command = argv.find((a) => !a.startsWith("-"));
  if (guess && command !== undefined) return `Unknown command ${JSON.stringify(command)}. Did you mean ${JSON.stringify(guess[1])}?`;
  const m = /^Unknown arguments: (.*)$/.exec(msg);
  if (!m) return msg;
  const names = m[1]!.split(", ");
  const camel = (s: string) => s.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase());
  const typed = names.filter((n) => !names.some((o) => o !== n && o.includes("-") && camel(o) === n));
  return `Unknown argument${typed.length === 1 ? "" : "s"}: ${typed.join(", ")}`;
}

/** The message on one line: scripts read stderr line by line, and git shows only the first. */
export function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `herald: ${message.replace(/\s*[\r\n]+\s*/g, " ").trim() || "unknown error"}`;
}

/** With --verbose, the stack (and causes) follow the one-line message. */
export function errorDetails(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.stack ?? String(e));
  return parts.join("\ncaused by: ");
}
