// The control socket's wire format: one JSON object per line each way (like a tiny JSON-RPC).
// Requests: {"id":1,"cmd":"status"}; replies: {"id":1,"ok":true,"result":...} or
// {"id":1,"ok":false,"error":{"code":"...","message":"..."}}; `log` with follow streams
// {"id":1,"event":{...}} lines until the client closes the connection. `args.repo` (an absolute
// path) picks one repository of the machine's; without it a command covers them all.

import { isAnnexKey } from "../content/keys.js";

export const CONTROL_COMMANDS = ["status", "sync", "pause", "resume", "log", "map", "web", "transfers"] as const;
export const TRANSFER_ACTIONS = ["list", "pause", "resume", "cancel"] as const;
export type TransferAction = (typeof TRANSFER_ACTIONS)[number];
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

export interface ControlRequest { id: number; cmd: ControlCommand; args?: { lines?: number; follow?: boolean; repo?: string; action?: TransferAction; key?: string } }
export type ControlReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } }
  | { id: number; event: unknown };

/** Pure: parse one request line; anything else is an error reply naming what is wrong. */
export function parseRequest(line: string): ControlRequest | { error: string; id: number } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { error: "not JSON", id: 0 };
  }
  const o = v as Partial<ControlRequest>;
  const id = typeof o?.id === "number" && Number.isSafeInteger(o.id) ? o.id : 0;
  if (!o || typeof o !== "object" || !CONTROL_COMMANDS.includes(o.cmd as ControlCommand)) return { error: `unknown command ${JSON.stringify(o?.cmd)}`, id };
  const args = o.args && typeof o.args === "object" ? o.args : {};
  const lines = typeof args.lines === "number" && args.lines > 0 ? Math.min(Math.floor(args.lines), 10_000) : undefined;
  const repo = args.repo;
  // Only a lookup key, never passed to git: still, only an absolute path of sane length.
  if (repo !== undefined && (typeof repo !== "string" || !repo.startsWith("/") || repo.length > 4096 || repo.includes("\0"))) {
    return { error: `args.repo must be an absolute path, got ${JSON.stringify(repo).slice(0, 100)}`, id };
  }
  // `transfers`: an action, and the git-annex key it is about (none: all of them).
  const { action, key } = args;
  if (action !== undefined && !TRANSFER_ACTIONS.includes(action)) return { error: `args.action must be one of ${TRANSFER_ACTIONS.join(", ")}`, id };
  if (key !== undefined && (typeof key !== "string" || !isAnnexKey(key))) return { error: `${JSON.stringify(key).slice(0, 100)} is not a git-annex key (herald transfers lists them)`, id };
  return { id, cmd: o.cmd as ControlCommand, args: { ...(lines ? { lines } : {}), follow: args.follow === true, ...(repo ? { repo } : {}), ...(action ? { action } : {}), ...(key ? { key } : {}) } };
}
