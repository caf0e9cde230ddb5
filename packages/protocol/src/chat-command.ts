// Commands an admin JID (herald.admin) may send the agent in a chat message body.

export type ChatCommand = "sync" | "status" | "pause" | "resume" | "help";

/** Every command with the one-line description `help` replies with, in display order. */
export const CHAT_COMMANDS: readonly { readonly command: ChatCommand; readonly description: string }[] = [
  { command: "status", description: "show this node's state, peers and pending retries" },
  { command: "sync", description: "fetch from and push to every remote now" },
  { command: "pause", description: "stop syncing until resumed" },
  { command: "resume", description: "start syncing again after pause" },
  { command: "help", description: "list these commands" },
];

/** Longer bodies cannot be a command; refuse them before trimming or lowercasing. */
const MAX_BODY_LENGTH = 64;

/** The command in `body` (case-insensitive, surrounding whitespace ignored), or null for anything else. */
export function parseChatCommand(body: string): ChatCommand | null {
  if (typeof body !== "string" || body.length > MAX_BODY_LENGTH) return null;
  const word = body.trim().toLowerCase();
  return CHAT_COMMANDS.find((c) => c.command === word)?.command ?? null;
}
