// The chat commands for a machine: each acts on the repositories whose herald.admin lists the
// sender, all of them or the one named by its directory's name ("sync notes").
import { basename } from "node:path";
import type { RepoEngine } from "../engine/engine.js";
import { statusLine, statusText } from "../status.js";
import type { ChatHandlers } from "../xmpp/chat-commands.js";

/** What chat commands need of the machine part (machine.ts). */
export interface ChatMachine { engines(): RepoEngine[]; updatePresence(): Promise<void> }

/** Pure: the engines a command applies to, or the reason it applies to none. */
export function chatTargets<T extends { dir: string; admins: readonly string[] }>(repos: T[], target: string | undefined, from: string): T[] | string {
  const mine = repos.filter((r) => r.admins.includes(from));
  if (target === undefined) return mine.length ? mine : "no repository here lists you in herald.admin";
  const named = mine.filter((r) => basename(r.dir) === target);
  if (named.length === 1) return named;
  return named.length ? `${target} is ambiguous: ${named.map((r) => r.dir).join(", ")}` : `no repository named ${target} (try: status)`;
}

export function chatHandlers(m: ChatMachine): ChatHandlers {
  const pick = (target: string | undefined, from: string): RepoEngine[] | string => {
    const found = chatTargets(m.engines().map((e) => ({ dir: e.repo.dir, admins: e.config.admins, engine: e })), target, from);
    return typeof found === "string" ? found : found.map((f) => f.engine);
  };
  const each = async (target: string | undefined, from: string, act: (e: RepoEngine, many: boolean) => Promise<string>): Promise<string> => {
    const engines = pick(target, from);
    if (typeof engines === "string") return engines;
    const many = engines.length > 1;
    const lines = await Promise.all(engines.map(async (e) => `${many ? `${basename(e.repo.dir)}: ` : ""}${await act(e, many).catch((err: Error) => `failed: ${err.message}`)}`));
    return lines.join("\n");
  };
  return {
    // One repository: in full; several: one line each.
    status: (target, from) => each(target, from, async (e, many) => (many ? statusLine(await e.status()) : statusText(await e.status(), Date.now()))),
    sync: (target, from) => each(target, from, async (e) => {
      const report = await e.sync();
      return report.length === 0 ? "sync done: no remotes configured"
        : `sync done:\n${report.map((r) => `  ${r.remote}: ${r.pushed ? "up to date" : `push failed (${r.error ?? "unknown"}), will retry`}${r.fetched ? "" : ", fetch failed"}`).join("\n")}`;
    }),
    pause: async (target, from) => {
      const text = await each(target, from, async (e) => { e.pause(); return "paused: no merges or pushes until resume"; });
      void m.updatePresence();
      return text;
    },
    resume: async (target, from) => {
      const text = await each(target, from, async (e) => { e.resume(); return "resumed"; });
      void m.updatePresence();
      return text;
    },
  };
}
