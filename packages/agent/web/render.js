// Drawing the panels from API data. Text always goes in as textContent, never as HTML: file
// names, commit subjects and log lines come from other machines.

function el(tag, { dataset = {}, ...props } = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  Object.assign(e.dataset, dataset);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

const button = (label, onClick) => el("button", { textContent: label, onclick: onClick });

/** "just now", "2 min ago", "3 h ago", "4 days ago". */
export function ago(iso) {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** The time of day here, HH:MM:SS (as herald status says it). */
const clock = (ms) => new Date(ms).toTimeString().slice(0, 8);

/** `retry`: the remote's entry in the retry queue (its pushes fail), with the cause git or ssh gave. */
function remoteLine(r, retry) {
  const where = r.ahead === undefined ? "not known yet" : r.ahead === 0 && r.behind === 0 ? "in sync" : `ahead ${r.ahead}, behind ${r.behind}`;
  const failing = retry ? `${retry.refused ? "push refused" : "unreachable"} since ${clock(retry.firstFailure)}: ${retry.error.split("\n").find((l) => l.trim()) ?? ""}` : null;
  return el("li", { textContent: `${r.name} (${r.kind}): ${where}${r.lastSync ? `, last synced ${ago(r.lastSync)}` : ""}` },
    failing ? el("div", { className: "error", textContent: failing }) : null);
}

export function renderRepos(box, repos, act) {
  box.replaceChildren(...repos.map((r) => {
    const base = `/api/repos/${r.id}`;
    const peers = r.xmpp ? `xmpp ${r.xmpp.online ? "online" : "offline"}; peers online: ${r.xmpp.peersSeen.join(", ") || "none yet"}` : "git only (no XMPP)";
    return el("div", { className: "repo", id: `repo-${r.id}` },
      el("h3", {}, el("span", { textContent: r.repo }), el("span", { className: `state ${r.state.replace(" ", "-")}`, textContent: r.state })),
      r.error ? el("div", { className: "error", textContent: r.error }) : null,
      // herald.verify: a peer's tip kept out, with the commit that fails, its author and why.
      ...(r.refused ?? []).map((f) => el("div", { className: "error", textContent: `refused ${f.ref} at ${f.tip.slice(0, 10)}: ${f.commit.slice(0, 10)} by ${f.author}: ${f.reason} (${f.detail})` })),
      el("div", { className: "muted", textContent: `node ${r.node || "?"}, ${r.branch?.replace("refs/heads/", "") ?? "(no branch)"} at ${r.head?.slice(0, 10) ?? "(no commits)"}; ${peers}; ${r.conflicts} conflict(s)` }),
      el("ul", {}, ...r.remotes.map((x) => remoteLine(x, r.retries?.[x.name]))),
      el("div", { className: "actions" },
        button("Sync now", () => act(`${base}/sync`)),
        r.paused ? button("Resume", () => act(`${base}/resume`)) : button("Pause", () => act(`${base}/pause`))));
  }));
}

async function versionView(c, v) {
  const src = `/api/repos/${c.repo}/file?path=${encodeURIComponent(v.file)}`;
  const notes = [v.atPath ? "kept the name" : "", v.ours ? "ours" : ""].filter(Boolean);
  const head = el("div", { className: v.atPath ? "at-path" : "", textContent: `${v.file} by ${v.authors.map((a) => a.email).join(", ") || "?"}${notes.length ? ` (${notes.join(", ")})` : ""}` });
  if (v.image) return el("div", { className: "version" }, head, el("img", { src, alt: v.file }));
  const text = await fetch(src).then((r) => (r.ok ? r.text() : `(${r.status})`));
  return el("div", { className: "version" }, head, el("pre", { textContent: text }));
}

export async function renderConflicts(box, conflicts, act) {
  if (conflicts.length === 0) return box.replaceChildren(el("p", { className: "muted", textContent: "no conflicts" }));
  const views = await Promise.all(conflicts.map(async (c) => {
    const resolve = (keep) => act(`/api/repos/${c.repo}/resolve`, { path: c.path, keep });
    const present = c.variants.filter((v) => v.present);
    // The merge left one side's version at the path itself: say whose, the others are beside it.
    const atPath = present.find((v) => v.atPath);
    const kept = atPath ? `; ${c.path} holds the version by ${atPath.authors.map((a) => a.email).join(", ") || "?"}${atPath.ours ? " (ours)" : ""}` : "";
    return el("div", { className: "conflict", dataset: { path: c.path } },
      el("h3", { textContent: `${c.path}: ${c.kind} conflict, ${present.length} versions${kept}` }),
      el("div", { className: "versions" }, ...(await Promise.all(present.map((v) => versionView(c, v))))),
      el("details", {}, el("summary", { textContent: "diff" }), el("pre", { className: "diff", textContent: c.diff })),
      el("div", { className: "actions" },
        button("Keep ours", () => resolve("ours")), button("Keep theirs", () => resolve("theirs")), button("Keep both", () => resolve("both")),
        ...present.map((v) => button(`Keep ${v.file}`, () => resolve(v.file)))));
  }));
  box.replaceChildren(...views);
}

export function renderChanges(list, changes) {
  list.replaceChildren(...changes.map((c) => el("li", { dataset: { sha: c.sha } },
    el("strong", { textContent: c.subject }), " ",
    el("span", { className: "muted", textContent: `${c.sha.slice(0, 8)} by ${c.author} <${c.email}>, ${ago(c.time)}` }),
    c.files.length ? el("div", { textContent: c.files.join(", ") }) : null)));
}

/** One log record as a line, newest at the bottom; the last 200 kept. */
export function renderLogLine(pre, r) {
  const { t, level, event, ...rest } = r;
  const kv = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
  pre.append(`${t.slice(11, 19)} ${level.padEnd(5)} ${event} ${kv}\n`);
  while (pre.childNodes.length > 200) pre.firstChild.remove();
  pre.scrollTop = pre.scrollHeight;
}
