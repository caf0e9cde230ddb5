// A real network transport for tests without ssh: `git daemon` on a free loopback port, serving
// every repository under `base` (push allowed), so git:// URLs go over TCP as ssh:// ones would.
import { freePort, portOpen, waitFor } from "@herald/testkit";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";

export interface GitDaemon { url(name: string): string; stop(): Promise<void> }

export async function startGitDaemon(base: string): Promise<GitDaemon> {
  const port = await freePort();
  const child: ChildProcess = spawn("git", ["daemon", "--export-all", "--enable=receive-pack", `--base-path=${base}`, "--listen=127.0.0.1", `--port=${port}`, "--reuseaddr", "--informative-errors", base], { stdio: "ignore" });
  await waitFor(() => portOpen(port), 10_000, "git daemon listening");
  return {
    url: (name) => `git://127.0.0.1:${port}/${name}`,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

/** A server that accepts connections and never says a word: a remote whose transport hangs. */
export async function startSilentServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); s.on("error", () => undefined); });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return { port, stop: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }) };
}
