// Pure: what `herald doctor` makes of what it measured. Each check is one line for a person: what
// was found, and when it is wrong, the fix.

export interface Check {
  name: string;
  /** "skip": does not apply here (no XMPP account, say); does not fail the doctor */
  result: "ok" | "fail" | "skip";
  detail: string;
  fix?: string;
}

export const ok = (name: string, detail: string): Check => ({ name, result: "ok", detail });
export const fail = (name: string, detail: string, fix: string): Check => ({ name, result: "fail", detail, fix });
export const skip = (name: string, detail: string): Check => ({ name, result: "skip", detail });

/** `git merge-tree --write-tree` (Herald's merges) came in git 2.38. */
export function judgeGitVersion(versionOutput: string | null): Check {
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(versionOutput ?? "");
  if (!m) return fail("git", "git not found on PATH", "install git 2.38 or later (apt-get install git)");
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const v = `${m[1]}.${m[2]}${m[3] ? `.${m[3]}` : ""}`;
  return major > 2 || (major === 2 && minor >= 38) ? ok("git", `${v} (2.38 or later: merge-tree --write-tree)`)
    : fail("git", `${v} is too old: Herald merges with merge-tree --write-tree (git 2.38)`, "install git 2.38 or later (Debian 12: apt-get install git; older: backports)");
}

/** Each watched directory costs one inotify watch; other programs (editors, IDEs) need theirs too. */
export function judgeInotify(limit: number | null, needed: number): Check {
  if (limit === null) return skip("inotify", "/proc/sys/fs/inotify/max_user_watches not readable");
  if (needed * 2 <= limit) return ok("inotify", `${needed} directories watched, limit ${limit}`);
  return fail("inotify", `${needed} directories to watch, limit ${limit}: watches will run out and commits go unnoticed`,
    `raise it: echo fs.inotify.max_user_watches=${Math.max(524288, needed * 4)} | sudo tee /etc/sysctl.d/40-herald.conf && sudo sysctl --system`);
}

/** Sequence numbers start from the clock: a clock far behind makes peers take announcements for replays. */
export function judgeClock(skewMs: number | null, server: string): Check {
  if (skewMs === null) return skip("clock", `${server} does not tell the time (XEP-0202)`);
  const s = Math.round(skewMs / 1000);
  return Math.abs(skewMs) <= 60_000 ? ok("clock", `within ${Math.max(1, Math.abs(s))} s of ${server}`)
    : fail("clock", `${Math.abs(s)} s ${s > 0 ? "ahead of" : "behind"} ${server}`, "turn on time sync: sudo timedatectl set-ntp true");
}

/** When each allow-listed peer last announced on the node (ms ago), and which are online now
 * (presence): a peer that runs but has not committed yet is fine; only one never seen either way
 * fails. */
export function judgePeers(peers: readonly string[], lastSeenAgoMs: ReadonlyMap<string, number>, online: ReadonlySet<string> = new Set()): Check {
  if (peers.length === 0) return fail("peers", "no herald.peer: no announcement will be trusted", "herald init --machine --peer JID (each of your other machines' accounts)");
  const seen = peers.filter((p) => lastSeenAgoMs.has(p)).map((p) => `${p} (${ago(lastSeenAgoMs.get(p)!)})`);
  const present = peers.filter((p) => !lastSeenAgoMs.has(p) && online.has(p));
  const never = peers.filter((p) => !lastSeenAgoMs.has(p) && !online.has(p));
  const known = [...(seen.length ? [`seen: ${seen.join(", ")}`] : []), ...(present.length ? [`online, nothing announced yet: ${present.join(", ")}`] : [])].join("; ");
  if (never.length === 0) return ok("peers", known);
  return fail("peers", `never heard from ${never.join(", ")} (never online, never announced)${known ? `; ${known}` : ""}`, "start Herald there (herald daemon, with this repository added), with the same server and this machine's account as its herald.peer");
}

export function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s ago` : s < 7200 ? `${Math.round(s / 60)} min ago` : s < 172_800 ? `${Math.round(s / 3600)} h ago` : `${Math.round(s / 86400)} days ago`;
}

/** Pure: the doctor's report, one line per check, and its exit code (0 only when none failed). */
export function report(checks: readonly Check[]): { text: string; code: 0 | 1 } {
  const mark = { ok: "ok  ", fail: "FAIL", skip: "skip" } as const;
  const text = checks.map((c) => `${mark[c.result]} ${c.name}: ${c.detail}${c.fix ? ` (fix: ${c.fix})` : ""}`).join("\n");
  return { text, code: checks.some((c) => c.result === "fail") ? 1 : 0 };
}
