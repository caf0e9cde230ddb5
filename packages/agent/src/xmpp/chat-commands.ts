// A person nudges the agent from any XMPP chat client. Only bare JIDs in herald.admin are obeyed;
// everyone else gets silence and one log line. Unknown text gets help, never silence.
import { CHAT_COMMANDS, parseChatCommand, type ChatRequest } from "@herald/protocol";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { Logger } from "../log.js";
import { bareJid } from "./announcement-filter.js";
import type { Session } from "./session.js";

/** Each answers for the repository named `target` (its directory's name), or for all of those
 * that list `from` in herald.admin. */
export interface ChatHandlers {
  status(target: string | undefined, from: string): Promise<string>;
  sync(target: string | undefined, from: string): Promise<string>;
  pause(target: string | undefined, from: string): Promise<string>;
  resume(target: string | undefined, from: string): Promise<string>;
}

export function helpText(): string {
  return ["Herald agent commands (NAME: one repository; without it, all):", ...CHAT_COMMANDS.map((c) => `  ${c.command.padEnd(7)} ${c.description}`)].join("\n");
}

export class ChatCommands {
  constructor(private readonly session: Session, private readonly isAdmin: (bareJid: string) => boolean, private readonly h: ChatHandlers, private readonly log: Logger) {}

  handle(st: Element): void {
    if (!st.is("message") || (st.attrs.type !== "chat" && st.attrs.type !== "normal" && st.attrs.type !== undefined)) return;
    const body = st.getChildText("body");
    const from = String(st.attrs.from ?? "");
    if (body === null || !from) return;
    if (!this.isAdmin(bareJid(from))) {
      this.log.warn("chat-ignored", { from: bareJid(from), reason: "not in herald.admin" });
      return;
    }
    const action = parseChatCommand(body) ?? "unknown";
    this.log.info("chat-command", { from: bareJid(from), command: action === "unknown" ? action : action.command, ...(action !== "unknown" && action.target ? { target: action.target } : {}) });
    // Reply to the bare JID: every client the person has open sees it (and a one-shot sender
    // such as sendxmpp, gone a moment later, does not swallow the answer).
    void this.#reply(bareJid(from), action).catch((e: Error) => this.log.error("chat-failed", { error: e.message }));
  }

  async #reply(to: string, action: ChatRequest | "unknown"): Promise<void> {
    const text = action === "unknown" ? `I did not understand that.\n${helpText()}`
      : action.command === "help" ? helpText()
        : await this.h[action.command](action.target, to);
    await this.session.send(xml("message", { type: "chat", to }, xml("body", {}, text)));
  }
}
