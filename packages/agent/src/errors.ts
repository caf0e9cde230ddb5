// Typed errors with stable codes (isomorphic-git's BaseError): callers branch on `code`, never on text.
import type { Element } from "@xmpp/xml";
import { causeLines } from "./git/stderr-cause.js";
import { timeoutReason } from "./git/network-policy.js";

export class HeraldError extends Error {
  constructor(readonly code: string, message: string, readonly data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
  }
  toJSON() {
    return { name: this.name, code: this.code, message: this.message, data: this.data };
  }
}

/** Bad git config or option values; raised before any side effect. */
export class ConfigError extends HeraldError {
  constructor(readonly key: string, reason: string) {
    super("CONFIG", `${key}: ${reason}`, { key });
  }
}

export class GitCommandError extends HeraldError {
  constructor(readonly args: readonly string[], readonly exitCode: number | null, readonly stderr: string) {
    super("GIT", `git ${args.join(" ")} failed${exitCode === null ? "" : ` (exit ${exitCode})`}: ${causeLines(stderr).join(" / ")}`, { args, exitCode });
  }
}

/** A network git command the watchdog killed (git/network-policy.ts): it made no progress for
 * herald.networkTimeout. The message starts with the reason, `timeout: no progress for 30 s`. */
export class NetworkTimeoutError extends HeraldError {
  constructor(readonly remote: string, readonly args: readonly string[], readonly idleMs: number) {
    super("TIMEOUT", `${timeoutReason(idleMs)} (git ${args.find((a) => !a.startsWith("-")) ?? ""} ${remote})`, { remote, args, reason: "timeout" });
  }
}

/** A push the remote refused because the branch moved (non-fast-forward). */
export class PushRejectedError extends HeraldError {
  constructor(readonly remote: string, readonly ref: string, readonly reason: string) {
    super("PUSH_REJECTED", `push to ${remote} ${ref} rejected: ${reason}`, { remote, ref, reason });
  }
}

/** An XMPP stanza error (RFC 6120 §8.3): `condition` is the defined condition element's name. */
export class XmppStanzaError extends HeraldError {
  constructor(readonly condition: string, text = "") {
    super("XMPP_STANZA", text ? `${condition}: ${text}` : condition, { condition });
  }
  static fromElement(error: Element | undefined): XmppStanzaError {
    const cond = error?.children.find((c): c is Element => typeof c !== "string" && c.attrs.xmlns === "urn:ietf:params:xml:ns:xmpp-stanzas" && c.name !== "text");
    return new XmppStanzaError(cond?.name ?? "undefined-condition", error?.getChildText("text", "urn:ietf:params:xml:ns:xmpp-stanzas") ?? "");
  }
}
