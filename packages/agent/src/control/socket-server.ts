// The local control socket: the daemon's $XDG_RUNTIME_DIR/herald/control.sock, or a single-clone
// agent's .git/herald/control.sock; mode 0600 inside a 0700 directory; nothing listens on the network. `herald status|sync|pause|resume|log` talk to it.
import { chmod, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import type { Logger, LogRecord } from "../log.js";
import { parseRequest, type ControlReply, type ControlRequest, type TransferAction } from "./protocol.js";

/** `repo`: the repository asked about (an absolute path); undefined: all of them. */
export interface ControlHandlers {
  status(repo?: string): Promise<unknown>;
  sync(repo?: string): Promise<unknown>;
  pause(repo?: string): Promise<unknown>;
  resume(repo?: string): Promise<unknown>;
  map(repo?: string): Promise<unknown>;
  web(repo?: string): Promise<unknown>;
  transfers(repo: string | undefined, action: TransferAction, key: string | null): Promise<unknown>;
  recentLog(lines: number, repo?: string): LogRecord[];
  onLog(fn: (r: LogRecord) => void, repo?: string): () => void;
}

export class ControlServer {
  #server: Server | null = null;
  #sockets = new Set<Socket>();
  constructor(readonly path: string, private readonly h: ControlHandlers, private readonly log: Logger) {}

  async start(): Promise<void> {
    await rm(this.path, { force: true }); // a stale socket of a dead agent (we hold the pid lock)
    const server = createServer((s) => this.#serve(s));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.path, () => resolve());
    });
    await chmod(this.path, 0o600);
    this.#server = server;
  }

  #serve(s: Socket): void {
    this.#sockets.add(s);
    const unsubscribe: Array<() => void> = [];
    s.on("close", () => { this.#sockets.delete(s); unsubscribe.forEach((u) => u()); });
    s.on("error", () => undefined);
    let buf = "";
    s.setEncoding("utf8");
    s.on("data", (chunk: string) => {
      buf += chunk;
      if (buf.length > 65_536) return s.destroy(); // a request is a short line
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const req = parseRequest(line);
        if ("error" in req) this.#send(s, { id: req.id, ok: false, error: { code: "BAD_REQUEST", message: req.error } });
        else void this.#run(s, req, unsubscribe);
      }
    });
  }

  async #run(s: Socket, req: ControlRequest, unsubscribe: Array<() => void>): Promise<void> {
    try {
      if (req.cmd === "log") {
        this.#send(s, { id: req.id, ok: true, result: this.h.recentLog(req.args?.lines ?? 50, req.args?.repo) });
        if (req.args?.follow) unsubscribe.push(this.h.onLog((r) => this.#send(s, { id: req.id, event: r }), req.args?.repo));
        return;
      }
      const result = req.cmd === "transfers" ? await this.h.transfers(req.args?.repo, req.args?.action ?? "list", req.args?.key ?? null) : await this.h[req.cmd](req.args?.repo);
      this.#send(s, { id: req.id, ok: true, result });
    } catch (e) {
      const err = e as Error & { code?: string };
      this.#send(s, { id: req.id, ok: false, error: { code: err.code ?? "FAILED", message: err.message } });
    }
  }

  #send(s: Socket, reply: ControlReply): void {
    if (!s.destroyed) s.write(`${JSON.stringify(reply)}\n`);
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
    this.#server = null;
    await rm(this.path, { force: true });
    this.log.debug("control-closed");
  }
}
