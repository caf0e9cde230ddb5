// One structured record per event. Sinks decide the rendering: JSON lines for the log file and
// `herald log`, a compact human line for the console. Secrets never reach a sink (xmpp.js hideSensitive).

export type Level = "debug" | "info" | "warn" | "error";
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET = /pass(word)?|secret|token|credential/i;

export interface LogRecord { t: string; level: Level; event: string; [field: string]: unknown }
export type Sink = (r: LogRecord) => void;

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** A logger whose records carry `loop: name` (annex prefixes each line with its thread's name). */
  child(loop: string): Logger;
  /** A logger whose records all carry these fields (e.g. the node id). */
  with(fields: Record<string, unknown>): Logger;
}

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET.test(k) ? "***" : v;
  return out;
}

export function createLogger(sinks: Sink[], minLevel: Level = "info", now: () => Date = () => new Date(), base: Record<string, unknown> = {}): Logger {
  const emit = (level: Level) => (event: string, fields: Record<string, unknown> = {}) => {
    if (RANK[level] < RANK[minLevel]) return;
    const r: LogRecord = { t: now().toISOString(), level, event, ...base, ...redact(fields) };
    for (const s of sinks) s(r);
  };
  return {
    debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error"),
    child: (loop) => createLogger(sinks, minLevel, now, { ...base, loop }),
    with: (fields) => createLogger(sinks, minLevel, now, { ...base, ...fields }),
  };
}

/** `16:45:06.123 info  pusher pushed remote=b sha=1a2b3c4` */
export function formatHuman(r: LogRecord): string {
  const { t, level, event, loop, ...rest } = r;
  const kv = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  return [t.slice(11, 23), level.padEnd(5), ...(loop ? [String(loop)] : []), event, ...kv].join(" ");
}

export const silentLogger: Logger = createLogger([]);
