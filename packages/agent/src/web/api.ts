// The REST API (docs/reference.md, "The REST and event API"); the page uses nothing else. Repositories are named
// by id (machine/repo-events.ts repoKey), never by path; a file path in a request is checked
// (checkRepoPath) and must be a variant of an open conflict before git sees it.
import type { Hono } from "hono";
import { cloneOf, type Clone } from "../conflicts/clone.js";
import { headEntry } from "../conflicts/clone.js";
import { listConflicts } from "../conflicts/list.js";
import { conflictsFor, loadConflicts, SideCache, type ConflictView } from "../conflicts/model.js";
import { checkRepoPath } from "../conflicts/repo-path.js";
import { KEEP_WORDS, resolveConflict } from "../conflicts/resolve.js";
import { showConflict } from "../conflicts/show.js";
import type { RepoEngine } from "../engine/engine.js";
import { HeraldError } from "../errors.js";
import type { Machine } from "../machine/machine.js";
import { isRepoKey } from "../machine/repo-events.js";
import { recentChanges } from "./changes.js";
import { mapView } from "./map-view.js";

/** Content types of variant files the page may show as they are (images); anything else is text. */
const IMAGE_TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

export function apiRoutes(app: Hono, m: Machine): void {
  const slotOf = (id: string) => {
    if (!isRepoKey(id)) throw new HeraldError("NO_SUCH_REPO", `${JSON.stringify(id.slice(0, 40))} is not a repository id (12 hex digits, from /api/status)`);
    return m.byKey(id);
  };
  const engineOf = (id: string): RepoEngine => {
    const slot = slotOf(id);
    if (!slot.engine) throw new HeraldError("REPO_DOWN", `${slot.dir} is not syncing: ${slot.error ?? "starting"}`);
    return slot.engine;
  };
  const openOf = async (clone: Clone): Promise<ConflictView[]> => (await loadConflicts(clone)).filter((v) => v.state === "open");

  app.get("/api/status", async (c) => c.json({ pid: process.pid, repos: await m.statuses() }));

  app.get("/api/repos/:id", async (c) => {
    const slot = slotOf(c.req.param("id"));
    const status = await m.status(slot.dir);
    return c.json({ ...status, changes: slot.engine ? await recentChanges(slot.engine.repo) : [] });
  });

  app.get("/api/conflicts", async (c) => {
    const all = await Promise.all(m.engines().map(async (e) => {
      const clone = cloneOf(e.repo);
      const open = await openOf(clone);
      const sides = new SideCache(clone);
      const listed = await listConflicts(open, sides);
      const id = m.find(e.repo.dir).key;
      return Promise.all(listed.map(async (l) => {
        const diff = await showConflict(e.repo, l.path, open.filter((v) => v.record.path === l.path), sides).catch((err: Error) => err.message);
        return { repo: id, ...l, variants: l.variants.map((v) => ({ ...v, image: IMAGE_TYPES[extension(v.file)] !== undefined })), diff };
      }));
    }));
    return c.json(all.flat());
  });

  // One variant file as committed (for side-by-side text and image previews).
  app.get("/api/repos/:id/file", async (c) => {
    const engine = engineOf(c.req.param("id"));
    const path = checkRepoPath(c.req.query("path") ?? "");
    const clone = cloneOf(engine.repo);
    const listed = (await openOf(clone)).some((v) => v.variants.some((x) => x.present && x.file === path));
    if (!listed) throw new HeraldError("NO_SUCH_FILE", `${path} is not a version of an open conflict`);
    const entry = await headEntry(engine.repo, path);
    const body = entry && /^[0-9a-f]{40,64}$/.test(entry.oid) ? await engine.repo.blob(entry.oid) : null;
    if (!body) throw new HeraldError("NO_SUCH_FILE", `${path} is not in HEAD`);
    const type = IMAGE_TYPES[extension(path)] ?? "text/plain; charset=utf-8";
    return c.body(new Uint8Array(body), 200, { "Content-Type": type });
  });

  app.get("/api/map", (c) => c.json(m.engines().map((e) => ({ repo: m.find(e.repo.dir).key, ...mapView(e.node, e.plan.adverts()) }))));

  app.get("/api/log", (c) => {
    const lines = Math.min(Math.max(Number(c.req.query("lines") ?? 100) || 100, 1), 500);
    return c.json(m.events.recent("log", lines).map((e) => e.data));
  });

  app.post("/api/repos/:id/sync", async (c) => c.json({ report: await engineOf(c.req.param("id")).sync() }));
  app.post("/api/repos/:id/pause", (c) => {
    engineOf(c.req.param("id")).pause();
    void m.updatePresence();
    return c.json({ paused: true });
  });
  app.post("/api/repos/:id/resume", (c) => {
    engineOf(c.req.param("id")).resume();
    void m.updatePresence();
    return c.json({ paused: false });
  });

  app.post("/api/repos/:id/resolve", async (c) => {
    const engine = engineOf(c.req.param("id"));
    const body = (await c.req.json().catch(() => null)) as { path?: unknown; keep?: unknown } | null;
    if (!body || typeof body.path !== "string" || typeof body.keep !== "string") throw new HeraldError("USAGE", 'expected a JSON body {"path": "...", "keep": "ours|theirs|both|VARIANT"}');
    const path = checkRepoPath(body.path);
    // A variant is named as the list gives it; checked like a path, and resolve accepts only a listed one.
    const keep = (KEEP_WORDS as readonly string[]).includes(body.keep) ? body.keep : checkRepoPath(body.keep);
    const clone = cloneOf(engine.repo);
    const found = conflictsFor(await loadConflicts(clone), [path]);
    if (!found) throw new HeraldError("NO_SUCH_CONFLICT", `no conflict recorded for ${path}`);
    const message = await resolveConflict(clone, found.path, found.views, keep, new SideCache(clone));
    return c.json({ message: message.trim() });
  });
}

const extension = (file: string): string => /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() ?? "";
