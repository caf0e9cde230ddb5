// Commands an admin JID (herald.admin) may send the agent in a chat message body: a command, and
// for all but help optionally one repository name ("sync notes"); without a name, every repository.

export type ChatCommand = "sync" | "status" | "pause" | "resume" | "help";

/** Every command with the one-line description `help` replies with, in display order. */
export const CHAT_COMMANDS: readonly { readonly command: ChatCommand; readonly description: string }[] = [
  { command: "status", description: "[NAME] show each repository's state, peers and retries" },
  { command: "sync", description: "[NAME] fetch from and push to every remote now" },
  { command: "pause", description: "[NAME] stop syncing until resumed" },
  { command: "resume", description: "[NAME] start syncing again after pause" },
  { command: "help", description: "list these commands" },
];

/** Longer bodies cannot be a command; refuse them before trimming or lowercasing. */
const MAX_BODY_LENGTH = 64;

export interface ChatRequest { command: ChatCommand; target?: string }

/** A repository's name as a person types it: its directory's name, no path, no option. */
const TARGET = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The command in `body` (case-insensitive, surrounding whitespace ignored) and its repository
 * name, if any; null for anything else. */
export function parseChatCommand(body: string): ChatRequest | null {
  if (typeof body !== "string" || body.length > MAX_BODY_LENGTH) return null;
  const words = body.trim().split(/\s+/);
  if (words.length > 2) return null;
  const command = CHAT_COMMANDS.find((c) => c.command === words[0]!.toLowerCase())?.command;
  if (!command) return null;
  if (words.length === 1) return { command };
  return command !== "help" && TARGET.test(words[1]!) ? { command, target: words[1]! } : null;
}
