// The dashboard's HTTP server: the page, the REST API and the event stream, behind the API key
// (auth.ts). It is not essential: a port in use or a bad setting is logged and syncing goes on.
import { readFile } from "node:fs/promises";
import { createServer as createHttps } from "node:https";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import { createAdaptorServer, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "../log.js";
import type { Machine } from "../machine/machine.js";
import { apiRoutes } from "./api.js";
import { authorize, csrfToken, ownNames, SESSION_COOKIE, sessionToken, type AuthPolicy } from "./auth.js";
import { LoginTokens } from "./login-tokens.js";
import { eventStream } from "./stream.js";
import type { WebSettings } from "./settings.js";
import { errorStatus } from "./errors.js";

/** The page's own files: packages/agent/web/ beside src/ and dist/; in the installed package
 * (scripts/pack/bundle.mjs), web/ beside herald.mjs. */
const PAGE_DIR = [new URL("../../web/", import.meta.url), new URL("./web/", import.meta.url)].find((u) => existsSync(new URL("index.html", u))) ?? new URL("../../web/", import.meta.url);
const require = createRequire(import.meta.url);
/** The layout libraries, served from node_modules as installed (nothing copied into the repo); the
 * installed package has no node_modules, and carries them in web/vendor/ instead. */
export const VENDOR_FILES: Record<string, string> = { "cytoscape.js": "cytoscape/dist/cytoscape.min.js", "cytoscape-dagre.js": "cytoscape-dagre" };
const vendorFile = (name: string, spec: string): string | URL => {
  try {
    return require.resolve(spec);
  } catch {
    return new URL(`vendor/${name}`, PAGE_DIR);
  }
};
const PAGE_FILES: Record<string, string> = { "app.js": "text/javascript", "render.js": "text/javascript", "map.js": "text/javascript", "style.css": "text/css" };
/** Bodies are small JSON objects ({path, keep}); anything bigger is a mistake or an attack. */
const MAX_BODY = 16 * 1024;

/** The dashboard as its root sees it: where it serves, or why it does not. */
export interface WebServer {
  /** null: not serving (`error` says why) */
  url: string | null;
  error: string | null;
  /** A one-time login token (LoginTokens), or null when not serving. */
  loginToken(): string | null;
  stop(): Promise<void>;
}

/** What a root holds when the dashboard could not start: the reason, for status and herald open. */
export const dashboardOff = (error: string): WebServer => ({ url: null, error, loginToken: () => null, stop: async () => undefined });

const fail = (c: Context, status: number, code: string, error: string) => c.json({ error, code }, status as 400);

export function dashboardApp(m: Machine, policy: AuthPolicy, secure: boolean, tokens: LoginTokens): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    const code = (err as { code?: unknown }).code;
    const status = errorStatus(typeof code === "string" ? code : undefined);
    if (status === 500) m.log.error("web-failed", { path: c.req.path, error: err.message });
    return fail(c, status, typeof code === "string" ? code : "INTERNAL", err.message);
  });
  app.notFound((c) => fail(c, 404, "NOT_FOUND", `no such page: ${c.req.method} ${c.req.path}`));
  app.use("*", async (c, next) => {
    await next();
    c.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "no-store");
  });
  // The link `herald open` prints: trade its one-time token for a session cookie, then drop it
  // from the address bar. Never the key: a link is seen (history, screen shares) and must expire.
  app.get("/login", (c) => {
    const token = c.req.query("token");
    if (!token || !tokens.redeem(token)) return fail(c, 401, "BAD_TOKEN", "this login link is used up or expired (it works once, within 60 s): run herald open for a fresh one");
    c.header("Set-Cookie", `${SESSION_COOKIE}=${sessionToken(policy.key)}; Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`);
    return c.redirect("/", 303);
  });
  app.use("*", async (c, next) => {
    const d = authorize({
      method: c.req.method, host: c.req.header("Host"), origin: c.req.header("Origin"), apiKey: c.req.header("X-API-Key"),
      authorization: c.req.header("Authorization"), cookie: c.req.header("Cookie"), csrf: c.req.header("X-CSRF-Token"),
    }, policy);
    if (!d.ok) return fail(c, d.status, d.code, d.error);
    return next();
  });
  app.use("/api/*", bodyLimit({ maxSize: MAX_BODY, onError: (c) => fail(c, 413, "TOO_LARGE", `request body over ${MAX_BODY} bytes`) }));
  app.get("/", async (c) => {
    // The CSRF token goes into the page, where only a script of our own origin can read it.
    const html = await readFile(new URL("index.html", PAGE_DIR), "utf8");
    return c.html(html.replace("{{csrf}}", csrfToken(policy.key)));
  });
  app.get("/assets/:name", async (c) => {
    const name = c.req.param("name");
    const type = PAGE_FILES[name];
    const vendor = VENDOR_FILES[name];
    if (!type && !vendor) return fail(c, 404, "NOT_FOUND", `no such file: ${name}`);
    const body = await readFile(vendor ? vendorFile(name, vendor) : new URL(name, PAGE_DIR));
    return c.body(new Uint8Array(body), 200, { "Content-Type": type ?? "text/javascript" });
  });
  app.get("/api/events", (c) => eventStream(c, m.events));
  apiRoutes(app, m);
  return app;
}

/** Listen on `port`; the listen error's code (EADDRINUSE, …) when it cannot. */
const listen = (server: ServerType, port: number, host: string) => new Promise<string | null>((resolve) => {
  const onError = (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message);
  server.once("error", onError);
  server.listen(port, host, () => { server.off("error", onError); resolve(null); });
});

/** Why the dashboard is off, in the words status and the log use (the setting to change, named). */
function listenFailure(settings: WebSettings, error: string): string {
  const where = `${settings.host}:${settings.port}`;
  if (error !== "EADDRINUSE") return `cannot listen on ${where}: ${error}`;
  return `port ${settings.port} (herald.webPort) is in use by another program: set herald.webPort to a free port, or to 0 for any`;
}

/**
 * Listen; resolves to the server, or to one that says why it is off (also logged). Without
 * herald.webPort a taken default port (another user's daemon, another XDG home) means any free
 * port: `herald open` and `herald status` ask the running Herald where it is.
 */
export async function startDashboard(m: Machine, settings: WebSettings, key: string, log: Logger, now: () => number = Date.now): Promise<WebServer> {
  const tls = settings.tls ? { cert: await readFile(settings.tls.cert), key: await readFile(settings.tls.key) } : null;
  let app: Hono | null = null;
  const server: ServerType = createAdaptorServer({
    fetch: (req, env) => app!.fetch(req, env),
    ...(tls ? { createServer: createHttps, serverOptions: tls } : {}),
  });
  let error = await listen(server, settings.port, settings.host);
  if (error === "EADDRINUSE" && settings.fallback && settings.port !== 0) {
    log.info("web-port-taken", { port: settings.port, why: "another program listens there; any free port will do (herald.webPort is unset)" });
    error = await listen(server, 0, settings.host);
  }
  if (error !== null) {
    const why = listenFailure(settings, error);
    log.warn("web-unavailable", { host: settings.host, port: settings.port, error, why: `${why}; the dashboard is off, syncing goes on` });
    return dashboardOff(why);
  }
  const port = (server.address() as AddressInfo).port;
  const names = ownNames(settings.host, port, tls !== null, [hostname()]);
  const tokens = new LoginTokens(now);
  app = dashboardApp(m, { key, ...names }, tls !== null, tokens);
  const url = names.origins[0]!;
  log.info("web-started", { url });
  return {
    url,
    error: null,
    loginToken: () => tokens.issue(),
    stop: () => new Promise<void>((resolve) => {
      // Event streams never end by themselves: close them, or close() would wait for ever.
      if ("closeAllConnections" in server) server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
