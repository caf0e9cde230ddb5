// Running a long-lived Herald (a single-clone agent or the daemon): in the foreground until
// SIGINT or SIGTERM, which stop it cleanly (pending merges and pushes finish); or started again
// as a background process, returning once its control socket answers.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createLogger, type Level } from "@herald/agent";
import { consoleSink, JsonLogFile } from "./agent-log.js";
import { CliError } from "./cli-error.js";

/** Resolves on the first SIGINT or SIGTERM; a second one while stopping exits at once. */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
      const force = () => process.exit(1); // a stuck stop must not leave an unkillable-by-^C process
      process.once("SIGINT", force).once("SIGTERM", force);
      resolveSignal(signal);
    };
    process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  });
}

export interface Service { stop(): Promise<void> }

/** Start a service, log to stderr and (once started) to the JSON log file it names, and stop it on a signal. */
export async function runForeground(level: Level, start: (log: ReturnType<typeof createLogger>) => Promise<{ service: Service; logPath: string }>): Promise<void> {
  const file = new JsonLogFile();
  const log = createLogger([consoleSink(), file.sink], level);
  // Listen before starting, so a signal during start-up still ends in a clean stop.
  const signal = firstSignal();
  // Signal listeners do not keep Node's event loop alive; this timer does, whatever the
  // service's own handles happen to be, until we decide to exit.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  try {
    let started: { service: Service; logPath: string };
    try {
      started = await start(log);
    } catch (e) {
      file.discard();
      throw e;
    }
    file.open(started.logPath);
    const received = await signal;
    log.info("stopping", { signal: received });
    await started.service.stop();
    await file.close();
  } finally {
    clearInterval(keepAlive);
  }
}

/**
 * Start this CLI again with `args` as a background process; return its pid once `ready(pid)` says
 * it answers, or fail with the last line it printed when it exited first. Its stderr goes to
 * `errPath`, not a pipe: a pipe would break (EPIPE) once this process exits.
 */
export async function startDetached(args: string[], errPath: string, ready: (pid: number) => Promise<boolean>): Promise<number> {
  const err = openSync(errPath, "w", 0o600);
  const child = spawn(process.execPath, [process.argv[1]!, ...args], { detached: true, stdio: ["ignore", "ignore", err] });
  closeSync(err);
  const exited = new Promise<number>((r) => child.once("exit", (code) => r(code ?? 1)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const done = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
    if (done !== null) {
      const last = readFileSync(errPath, "utf8").trim().split("\n").pop()?.replace(/^herald: /, "");
      throw new CliError(last || `herald ${args[0]} exited with code ${done}`, done === 2 ? "USAGE" : "AGENT_FAILED");
    }
    if (await ready(child.pid!)) break;
    if (Date.now() > deadline) throw new CliError(`herald ${args[0]} did not start within 30 s`, "AGENT_FAILED");
  }
  child.unref();
  return child.pid!;
}
