// The dashboard page: loads everything from the REST API, then keeps it current from the event
// stream. Every number the stream sends is one more than the last; on a jump the page asks again
// from the last one it saw (?since=ID), so nothing is missed without a reload.
import { renderChanges, renderConflicts, renderLogLine, renderRepos } from "./render.js";
import { renderMap } from "./map.js";

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const $ = (id) => document.getElementById(id);
let selected = null;
let lastId = null;
let source = null;
const shown = {}; // the JSON each panel was last drawn from: unchanged data is not redrawn

async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, ...options.headers } });
  const body = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(body.error ?? res.statusText);
  return body;
}

export const post = (path, body) => api(path, { method: "POST", body: JSON.stringify(body ?? {}) });

/** Draw `render(data)` into a panel only when its data changed. */
function draw(panel, data, render) {
  const json = JSON.stringify(data);
  if (shown[panel] === json) return;
  shown[panel] = json;
  render(data);
}

async function refresh() {
  // All at once: the page shows a change as soon as the slowest of these answers.
  const [status, conflicts, maps, repo] = await Promise.all([api("/api/status"), api("/api/conflicts"), api("/api/map"), selected ? api(`/api/repos/${selected}`) : null]);
  const select = $("repo-select");
  if (!status.repos.some((r) => r.id === selected)) selected = status.repos[0]?.id ?? null;
  draw("select", status.repos.map((r) => [r.id, r.repo]), (list) => {
    select.replaceChildren(...list.map(([id, dir]) => Object.assign(document.createElement("option"), { value: id, textContent: dir, selected: id === selected })));
  });
  draw("repos", status.repos, (repos) => renderRepos($("repos"), repos, act));
  draw("conflicts", conflicts, (list) => renderConflicts($("conflicts"), list, act));
  const map = maps.find((m) => m.repo === selected);
  if (map) draw("map", map, (m) => renderMap($("map"), m));
  if (repo?.id === selected) draw("changes", repo.changes, (changes) => renderChanges($("changes"), changes));
  else if (selected) refreshSoon(); // the first load, or another repository was chosen meanwhile
  document.body.dataset.lastEvent = String(lastId ?? 0);
}

/** Coalesce: a burst of events (a merge logs several lines) makes one refresh. */
let pending = null;
function refreshSoon() {
  if (pending) return;
  pending = setTimeout(() => { pending = null; refresh().catch(showError); }, 30);
}

async function act(path, body) {
  try {
    await post(path, body);
  } catch (e) {
    showError(e);
  }
  refreshSoon();
}

function showError(e) {
  const live = $("live");
  live.textContent = `error: ${e.message}`;
  live.className = "live off";
}

function onEvent(e) {
  if (lastId !== null && e.id !== lastId + 1) return listen(lastId); // missed some: ask again from there
  lastId = e.id;
  if (e.type === "log") renderLogLine($("log"), e.data);
  refreshSoon();
}

function listen(since) {
  source?.close();
  source = new EventSource(since === null ? "/api/events" : `/api/events?since=${since}`);
  source.addEventListener("ready", (m) => { lastId = JSON.parse(m.data).last; });
  source.addEventListener("reset", (m) => { lastId = JSON.parse(m.data).last; refreshSoon(); });
  source.onmessage = (m) => onEvent(JSON.parse(m.data));
  source.onopen = () => { $("live").textContent = "live"; $("live").className = "live on"; };
  source.onerror = () => { $("live").textContent = "reconnecting…"; $("live").className = "live off"; };
}

$("repo-select").addEventListener("change", (ev) => { selected = ev.target.value; refreshSoon(); });
listen(null);
for (const r of await api("/api/log?lines=100")) renderLogLine($("log"), r);
await refresh().catch(showError);
