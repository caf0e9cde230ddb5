// A person nudges the agent from any XMPP chat client. Only bare JIDs in herald.admin are obeyed;
// everyone else gets silence and one log line. Unknown text gets help, never silence.
import { CHAT_COMMANDS, parseChatCommand, type ChatCommand } from "@herald/protocol";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { Logger } from "../log.js";
import { bareJid } from "./announcement-filter.js";
import type { Session } from "./session.js";

export interface ChatHandlers {
  status(): Promise<string>;
  sync(): Promise<string>;
  pause(): Promise<string>;
  resume(): Promise<string>;
}

export function helpText(): string {
  return ["Herald agent commands:", ...CHAT_COMMANDS.map((c) => `  ${c.command.padEnd(7)} ${c.description}`)].join("\n");
}

/** Pure: which reply a message body gets, before any work is done. */
export function chatAction(body: string): ChatCommand | "unknown" {
  return parseChatCommand(body) ?? "unknown";
}

export class ChatCommands {
  constructor(private readonly session: Session, private readonly admins: ReadonlySet<string>, private readonly h: ChatHandlers, private readonly log: Logger) {}

  handle(st: Element): void {
    if (!st.is("message") || (st.attrs.type !== "chat" && st.attrs.type !== "normal" && st.attrs.type !== undefined)) return;
    const body = st.getChildText("body");
    const from = String(st.attrs.from ?? "");
    if (body === null || !from) return;
    if (!this.admins.has(bareJid(from))) {
      this.log.warn("chat-ignored", { from: bareJid(from), reason: "not in herald.admin" });
      return;
    }
    const action = chatAction(body);
    this.log.info("chat-command", { from: bareJid(from), command: action });
    // Reply to the bare JID: every client the person has open sees it (and a one-shot sender
    // such as sendxmpp, gone a moment later, does not swallow the answer).
    void this.#reply(bareJid(from), action).catch((e: Error) => this.log.error("chat-failed", { error: e.message }));
  }

  async #reply(to: string, action: ChatCommand | "unknown"): Promise<void> {
    const text = action === "status" ? await this.h.status()
      : action === "sync" ? await this.h.sync()
        : action === "pause" ? await this.h.pause()
          : action === "resume" ? await this.h.resume()
            : action === "help" ? helpText()
              : `I did not understand that.\n${helpText()}`;
    await this.session.send(xml("message", { type: "chat", to }, xml("body", {}, text)));
  }
}
