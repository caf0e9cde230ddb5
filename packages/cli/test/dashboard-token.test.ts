// `herald open`'s login link carries a one-time token from the control socket, never the API key:
// it logs a browser in once (a session cookie, then an address without the token), is refused the
// second time, and refused 60 s after it was made (the daemon's clock, set by the test).
import { Daemon, silentLogger } from "@herald/agent";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "../src/control-client.js";
import { herald, lines } from "./run-herald.js";

async function makeHome(): Promise<{ home: string; env: NodeJS.ProcessEnv }> {
  const home = await mkdtemp(join(tmpdir(), "herald-token-"));
  const env = { XDG_CONFIG_HOME: join(home, "config"), XDG_RUNTIME_DIR: join(home, "run"), XDG_STATE_HOME: join(home, "state") };
  await mkdir(join(env.XDG_CONFIG_HOME, "herald"), { recursive: true });
  await writeFile(join(env.XDG_CONFIG_HOME, "herald", "config"), "[herald]\n\twebPort = 0\n");
  return { home, env };
}

const login = (link: string) => fetch(link, { redirect: "manual" });

describe("the dashboard's login link", () => {
  const homes: string[] = [];
  afterAll(async () => {
    for (const home of homes) await rm(home, { recursive: true, force: true });
  });

  it("logs in once, with a token and never the key, and leaves an address without it", async () => {
    const { home, env } = await makeHome();
    homes.push(home);
    expect((await herald(["daemon", "--detach"], { cwd: home, env })).code).toBe(0);
    try {
      const key = (await readFile(join(home, "config", "herald", "api-key"), "utf8")).trim();
      const out = await herald(["open", "--no-browser"], { cwd: home, env });
      expect(out.code).toBe(0);
      expect(out.stdout + out.stderr).not.toContain(key);
      const link = out.stdout.trim();
      expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?token=[A-Za-z0-9_-]{43}$/);
      const origin = new URL(link).origin;

      const first = await login(link);
      expect(first.status).toBe(303);
      expect(first.headers.get("location")).toBe("/");
      const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0]!;
      expect(cookie).toMatch(/^herald_session=/);
      expect((await fetch(`${origin}/api/status`, { headers: { cookie } })).status).toBe(200);

      const again = await login(link);
      expect(again.status).toBe(401);
      expect(again.headers.get("set-cookie")).toBeNull();
      expect(((await again.json()) as { code: string }).code).toBe("BAD_TOKEN");
      // The key itself is no login link any more.
      expect((await login(`${origin}/login?key=${key}`)).status).toBe(401);
      // Each herald open makes a new one.
      const next = (await herald(["open", "--no-browser"], { cwd: home, env })).stdout.trim();
      expect(next).not.toBe(link);
      expect((await login(next)).status).toBe(303);
    } finally {
      expect(lines((await herald(["stop"], { cwd: home, env })).stdout)[0]).toMatch(/^stopped daemon \d+/);
    }
  }, 60_000);

  it("is refused 60 s after it was made", async () => {
    const { home, env } = await makeHome();
    homes.push(home);
    let now = Date.UTC(2026, 0, 1);
    const d = await Daemon.start({ env, web: true, log: silentLogger, now: () => new Date(now) });
    try {
      const token = async () => {
        const c = await open(d.socketPath);
        try {
          return ((await c.request("web")) as { token: string }).token;
        } finally {
          c.close();
        }
      };
      const late = await token();
      const inTime = await token();
      now += 59_999;
      expect((await login(`${d.webUrl}/login?token=${inTime}`)).status).toBe(303);
      now += 1;
      const refused = await login(`${d.webUrl}/login?token=${late}`);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: string }).error).toMatch(/used up or expired .*run herald open/);
    } finally {
      await d.stop();
    }
  }, 30_000);
});
