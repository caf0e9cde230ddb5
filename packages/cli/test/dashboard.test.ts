// The dashboard in a real browser (the system's Chromium, headless), served by one of two real
// agents that sync over a real Prosody: a commit on the other clone appears without a reload
// within 1 s of reaching this agent; a conflict made on purpose is settled with "Keep theirs";
// "Pause" shows in `herald status`. Requests without the key, from another Origin, or naming a
// path outside the clone are refused and change nothing.
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, silentLogger, type WebEvent } from "@herald/agent";
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { chromium, type Browser, type Page } from "playwright-core";
import { commitAsUser } from "./in-process-agents.js";
import { herald } from "./run-herald.js";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = fileURLToPath(new URL("../../../docs/dashboard.png", import.meta.url));
const variantsOf = async (dir: string) => (await git(dir, "ls-files")).split("\n").filter((f) => f.startsWith("same.variant-"));

describe("the dashboard in a browser", () => {
  let sb: Sandbox, server: XmppServer, browser: Browser, page: Page;
  let agents: Agent[] = [];
  let n1: string, n2: string, config: string, url: string, key: string, id: string;
  const pageErrors: string[] = [];
  const env = () => ({ XDG_CONFIG_HOME: config });

  beforeAll(async () => {
    sb = await makeSandbox(["n1", "n2"], "line");
    [n1, n2] = [sb.clones.n1!, sb.clones.n2!];
    await commitFile(n1, "same.txt", "base\n");
    await git(n2, "pull", "-q", "--ff-only", n1, "main");
    config = await mkdtemp(join(tmpdir(), "herald-web-"));
    server = await startXmppServer({ accounts: ["n1", "n2"] });
    for (const [dir, me, peer] of [[n1, "n1", "n2"], [n2, "n2", "n1"]] as const) {
      for (const [k, v] of [["herald.jid", `${me}@${server.domain}`], ["herald.service", server.service], ["herald.pubsub", server.pubsub], ["herald.tlsCa", server.caFile!], ["herald.peer", `${peer}@${server.domain}`], ["herald.webPort", "0"]] as const) {
        await git(dir, "config", k, v);
      }
    }
    agents = await Promise.all([n1, n2].map((repoDir, i) => Agent.start({ repoDir, log: silentLogger, web: true, env: { ...env(), HERALD_PASSWORD: `n${i + 1}-pw` } })));
    await waitFor(async () => agents.every((a) => a.channel?.stats.online), 10_000, "both agents on XMPP");
    url = agents[0]!.webUrl!;
    key = (await readFile(join(config, "herald", "api-key"), "utf8")).trim();
    id = ((await (await fetch(`${url}/api/status`, { headers: { "X-API-Key": key } })).json()) as { repos: Array<{ id: string }> }).repos[0]!.id;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const open = await herald(["open", "--no-browser", "--repo", n1], { env: env() });
    expect(open.stderr).toBe("");
    await page.goto(open.stdout.trim());
    expect(page.url()).toBe(`${url}/`); // the key is gone from the address bar
    await page.waitForSelector(`#repo-${id} .state`);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(agents.map((a) => a.stop()));
    await server?.stop();
    await sb?.cleanup();
    await rm(config, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init);
  const keyed = () => ({ "X-API-Key": key });

  it("keeps the key in a file only this user may read", async () => {
    expect((await stat(join(config, "herald", "api-key"))).mode & 0o777).toBe(0o600);
  });

  it("refuses requests without the key (401) and changes nothing", async () => {
    const before = await head(n1);
    for (const r of [await api("/api/status"), await api(`/api/repos/${id}/pause`, { method: "POST" }), await api("/api/status", { headers: { "X-API-Key": "wrong" } })]) {
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ code: expect.stringMatching(/^(NO|BAD)_KEY$/), error: expect.any(String) });
    }
    expect(agents[0]!.paused).toBe(false);
    expect(await head(n1)).toBe(before);
  });

  it("refuses another site's Origin, with the key or with the page's own cookie and token (403)", async () => {
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const csrf = await page.getAttribute('meta[name="csrf-token"]', "content");
    for (const headers of <Array<Record<string, string>>>[{ ...keyed(), Origin: "http://evil.example" }, { Cookie: cookie, "X-CSRF-Token": csrf!, Origin: "http://evil.example" }]) {
      const r = await api(`/api/repos/${id}/pause`, { method: "POST", headers });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { code: string }).code).toBe("BAD_ORIGIN");
    }
    // The cookie alone (a form another page submits) lacks the token.
    expect((await api(`/api/repos/${id}/pause`, { method: "POST", headers: { Cookie: cookie, Origin: url } })).status).toBe(403);
    expect(agents[0]!.paused).toBe(false);
  });

  it("refuses a path with .. or an absolute one, an unknown repository and an oversized body (4xx), and changes nothing", async () => {
    const before = await head(n1);
    const post = (path: string, body: string) => api(path, { method: "POST", headers: { ...keyed(), "Content-Type": "application/json" }, body });
    const tries = [
      [await post(`/api/repos/${id}/resolve`, JSON.stringify({ path: "../../etc/passwd", keep: "theirs" })), 400],
      [await post(`/api/repos/${id}/resolve`, JSON.stringify({ path: "same.txt", keep: "/etc/passwd" })), 400],
      [await api(`/api/repos/${id}/file?path=${encodeURIComponent("/etc/passwd")}`, { headers: keyed() }), 400],
      [await api(`/api/repos/${id}/file?path=${encodeURIComponent("a/../../x")}`, { headers: keyed() }), 400],
      [await post(`/api/repos/${"0".repeat(12)}/pause`, "{}"), 404],
      [await post(`/api/repos/${id}/resolve`, "x".repeat(20_000)), 413],
    ] as const;
    for (const [r, status] of tries) {
      expect({ status: r.status, body: await r.json() }).toEqual({ status, body: { code: expect.any(String), error: expect.any(String) } });
    }
    expect(await head(n1)).toBe(before);
    expect((await git(n1, "status", "--porcelain")).trim()).toBe("");
  });

  it("shows a commit made on the other clone within 1 s of it arriving, without a reload; the map is drawn", async () => {
    await page.evaluate("window.stillHere = true");
    const arrived = new Promise<number>((resolve) => {
      const off = agents[0]!.machine.events.listen((e: WebEvent) => { if (e.type === "head") { off(); resolve(Date.now()); } });
    });
    const sha = await commitAsUser(n2, "live.txt", "made on n2\n");
    const at = await arrived;
    await page.waitForSelector(`#changes li[data-sha="${sha}"]`, { timeout: 20_000 });
    const latency = Date.now() - at;
    console.log(`event to page: ${latency} ms`);
    expect(latency).toBeLessThan(1000);
    expect(await page.evaluate("window.stillHere")).toBe(true);
    expect(await page.textContent(`#changes li[data-sha="${sha}"]`)).toContain("live.txt");
    await page.waitForFunction("Number(document.getElementById('map')?.dataset.links) >= 2", undefined, { timeout: 20_000 });
    expect(await page.getAttribute("#map", "data-nodes")).toBe("2");
  });

  it("shows a conflict with both versions and which kept the name; Keep theirs settles it and both clones converge", async () => {
    agents.forEach((a) => a.pause());
    // n1's is the newer commit: its version keeps the name, n2's is beside it as a variant.
    await commitAsUser(n1, "same.txt", "written on n1\n", Math.floor(Date.now() / 1000) + 60);
    await commitAsUser(n2, "same.txt", "written on n2\n");
    agents.forEach((a) => a.resume());
    const conflict = page.locator('.conflict[data-path="same.txt"]');
    await conflict.locator(".version pre", { hasText: "written on n2" }).waitFor({ timeout: 30_000 });
    expect(await conflict.locator(".version pre").allTextContents()).toEqual(expect.arrayContaining(["written on n1\n", "written on n2\n"]));
    expect(await conflict.locator("h3").textContent()).toMatch(/^same\.txt: content conflict, 2 versions; same\.txt holds the version by n1@example\.org \(ours\)$/);
    expect(await conflict.locator(".version .at-path").textContent()).toMatch(/^same\.txt by n1@example\.org \(kept the name, ours\)$/);
    // The picture for the README: live map, the conflict side by side, the log.
    const shot = join(config, "dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(20_000);
    // docs/dashboard.png is refreshed on request, not on every run (it would dirty the tree).
    if (process.env.HERALD_UPDATE_SCREENSHOT) await copyFile(shot, SCREENSHOT);
    await conflict.getByRole("button", { name: "Keep theirs" }).click();
    await page.waitForSelector("#conflicts >> text=no conflicts", { timeout: 20_000 });
    await waitFor(async () => (await head(n1)) === (await head(n2)), 20_000, "both clones at the settlement");
    for (const dir of [n1, n2]) {
      expect(await readFile(join(dir, "same.txt"), "utf8")).toBe("written on n2\n");
      expect(await variantsOf(dir)).toEqual([]);
      expect(existsSync(join(dir, "same.txt"))).toBe(true);
    }
  });

  it("pauses from the page, as herald status then says", async () => {
    await page.locator(`#repo-${id}`).getByRole("button", { name: "Pause" }).click();
    await page.waitForSelector(`#repo-${id} .state.paused`, { timeout: 5000 });
    const r = await herald(["status", "--json", "--repo", n1], { env: env() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(expect.objectContaining({ paused: true, state: "paused" }));
    expect(agents[1]!.paused).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
