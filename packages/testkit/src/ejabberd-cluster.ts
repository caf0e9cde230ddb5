// A throwaway ejabberd cluster on one machine: N nodes with distinct node names and c2s ports, one
// Erlang cookie, joined with `ejabberdctl join_cluster` (ejabberd docs, "Clustering": Mnesia then
// replicates accounts, pubsub nodes, subscriptions and items to every node, and the session table
// routes a stanza to whichever node the recipient is logged in at). Nodes find each other's
// distribution ports through a private epmd on a free port (ERL_EPMD_PORT), started and stopped
// here, never the system's epmd on 4369.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { startEjabberdNode, type EjabberdNode } from "./ejabberd-node.js";
import { sleep } from "./ejabberd-process.js";
import { accountNames, registerOn } from "./ejabberd-server.js";
import { freePort, portOpen } from "./ports.js";
import type { Account } from "./xmpp-server.js";

export interface EjabberdClusterNode {
  /** Erlang node name */
  name: string;
  port: number;
  /** e.g. `xmpp://127.0.0.1:40123` (STARTTLS required) */
  service: string;
  /** Direct TLS, e.g. `xmpps://127.0.0.1:40124` */
  tlsService?: string;
  /** SIGKILL, as a crashed machine. */
  crash(): Promise<void>;
  halt(): Promise<void>;
  /** Start again with its Mnesia data: it rejoins the cluster by itself. */
  resume(): Promise<void>;
}

export interface EjabberdCluster {
  domain: string;
  pubsub: string;
  accounts: Account[];
  /** The CA that signed every node's certificate (herald.tlsCa). */
  caFile?: string;
  nodes: EjabberdClusterNode[];
  /** The running nodes as Mnesia sees them from `via` (default: the first node still running). */
  members(via?: number): Promise<string[]>;
  register(username: string, password?: string): Promise<Account>;
  stop(): Promise<void>;
}

export interface StartEjabberdClusterOptions {
  /** default 2 */
  nodes?: number;
  accounts?: number | string[];
  domain?: string;
  startTimeoutMs?: number;
}

export async function startEjabberdCluster(opts: StartEjabberdClusterOptions = {}): Promise<EjabberdCluster> {
  const domain = opts.domain ?? "localhost";
  const count = opts.nodes ?? 2;
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const cookie = randomBytes(16).toString("hex");
  const epmd = await startEpmd();
  const nodes: EjabberdNode[] = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await stopChild(epmd.child);
  };
  const first = () => nodes.find((n) => n.running()) ?? nodes[0]!;
  const members = async (via?: number): Promise<string[]> => {
    const r = await (via === undefined ? first() : nodes[via]!).ctl("list_cluster");
    return r.code === 0 ? r.out.split(/\s+/).map((s) => s.replace(/^'|'$/g, "")).filter((s) => s.includes("@")).sort() : [];
  };
  try {
    // One after the other: two Erlang VMs booting at once on a loaded 2-core machine time out.
    for (let i = 0; i < count; i++) nodes.push(await startEjabberdNode({ domain, tls: true, startTimeoutMs, cookie, epmdPort: epmd.port }));
    for (const n of nodes.slice(1)) {
      // ejabberd restarts itself on the joining node with the cluster's tables copied in.
      const r = await n.ctl("join_cluster", nodes[0]!.name);
      if (r.code !== 0) throw new Error(`ejabberdctl join_cluster ${nodes[0]!.name} on ${n.name} failed: ${r.out}`);
    }
    const all = nodes.map((n) => n.name).sort();
    const deadline = Date.now() + startTimeoutMs;
    while (JSON.stringify(await members(0)) !== JSON.stringify(all) || !(await Promise.all(nodes.map((n) => portOpen(n.port)))).every(Boolean)) {
      if (Date.now() > deadline) throw new Error(`ejabberd cluster: ${all.join(", ")} did not all join (members: ${(await members(0)).join(", ")})`);
      await sleep(100);
    }
    const accounts = await Promise.all(accountNames(opts.accounts).map((u) => registerOn(nodes[0]!, domain, u)));
    return {
      domain, pubsub: `pubsub.${domain}`, accounts, members, ...(nodes[0]!.caFile ? { caFile: nodes[0]!.caFile } : {}),
      nodes: nodes.map((n) => ({
        name: n.name, port: n.port, service: `xmpp://127.0.0.1:${n.port}`, ...(n.tlsPort ? { tlsService: `xmpps://127.0.0.1:${n.tlsPort}` } : {}),
        crash: () => n.crash(), halt: () => n.halt(), resume: () => n.resume(),
      })),
      register: (u, p) => registerOn(first(), domain, u, p),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** epmd in the foreground (a child of ours), loopback only, on a free port. */
async function startEpmd(): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn("epmd", ["-port", String(port)], { env: { ...process.env, ERL_EPMD_ADDRESS: "127.0.0.1" }, stdio: "ignore" });
    let exited = false;
    child.once("exit", () => { exited = true; });
    child.once("error", () => { exited = true; });
    const deadline = Date.now() + 5_000;
    while (!exited && Date.now() < deadline) {
      if (await portOpen(port)) return { port, child };
      await sleep(20);
    }
    await stopChild(child);
  }
  throw new Error("epmd did not start on a free port (is erlang-base installed?)");
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once("exit", r));
  c.kill("SIGTERM");
  await exited;
}
