// Shared by the bench sections: a monotonic clock readable from every thread, statistics,
// commits that survive a concurrent git (git-annex's assistant takes index.lock too), and one
// cleanup registry so that an error or Ctrl-C never leaves agents, daemons or temp dirs behind.
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** Milliseconds on CLOCK_MONOTONIC: the same clock in the main thread and the detector worker. */
export const now = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const round = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** Nearest-rank percentile of an unsorted list (null when empty). */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function summary(values) {
  return { n: values.length, p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(values.length ? Math.max(...values) : null) };
}

const IDENTITY = ["-c", "user.name=Bench User", "-c", "user.email=bench@example.org"];

export async function git(dir, ...args) {
  const { stdout } = await execFileP("git", [...IDENTITY, ...args], { cwd: dir, maxBuffer: 64 << 20 });
  return stdout;
}

/**
 * Write a new file and commit it; resolves when `git commit` has returned. Retries while another
 * git process holds index.lock (git-annex's assistant adds the new file itself when it sees it).
 */
export async function commitNewFile(dir, name, content) {
  await mkdir(dirname(join(dir, name)), { recursive: true });
  await writeFile(join(dir, name), content);
  for (let attempt = 0; ; attempt++) {
    try {
      await git(dir, "add", "--", name);
      const staged = await git(dir, "diff", "--cached", "--name-only", "--", name);
      if (staged.trim() === "") return { t: now(), byOther: true }; // the assistant committed it first
      await git(dir, "commit", "-q", "--no-verify", "-m", `bench ${name}`);
      return { t: now(), byOther: false };
    } catch (e) {
      // The assistant committed what we had staged between our add and our commit ("nothing to
      // commit"): the file is in HEAD and nothing of it is left staged.
      if (await committedByOther(dir, name)) return { t: now(), byOther: true };
      if (!/index\.lock|cannot lock ref|Unable to create/.test(String(e.stderr ?? e.message)) || attempt >= 50) throw e;
      await sleep(10);
    }
  }
}

/** Whether `name` is in HEAD with nothing of it staged or changed (someone else committed it). */
async function committedByOther(dir, name) {
  const inHead = await git(dir, "ls-tree", "--name-only", "HEAD", "--", name).catch(() => "");
  const pending = await git(dir, "status", "--porcelain", "--", name).catch(() => "?");
  return inHead.trim() !== "" && pending.trim() === "";
}

/**
 * Everything a section starts is registered here and undone in reverse order, on success, on
 * error and on SIGINT/SIGTERM. `add` returns a function that runs and forgets that one entry.
 */
export class Cleanup {
  #items = [];
  /** Directories this run created; checked for after cleanup. */
  paths = new Set();
  add(what, fn) {
    const item = { what, fn };
    this.#items.push(item);
    return async () => {
      const i = this.#items.indexOf(item);
      if (i < 0) return;
      this.#items.splice(i, 1);
      await fn();
    };
  }
  async run() {
    while (this.#items.length) {
      const { what, fn } = this.#items.pop();
      try {
        await fn();
      } catch (e) {
        console.error(`bench: cleanup of ${what} failed: ${e.message}`);
      }
    }
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function killChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Plain-text or markdown table; `cols` picks and orders the columns (default: the first row's keys). */
export function formatTable(rows, cols = Object.keys(rows[0] ?? {})) {
  const cell = (v) => (v === null || v === undefined ? "–" : typeof v === "number" ? v.toLocaleString("en-US") : String(v));
  const width = cols.map((c) => Math.max(c.length, 3, ...rows.map((r) => cell(r[c]).length)));
  const numeric = cols.map((c) => rows.some((r) => typeof r[c] === "number"));
  const pad = (s, i) => (numeric[i] ? s.padStart(width[i]) : s.padEnd(width[i]));
  const line = (cells) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = `|${width.map((w, i) => (numeric[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(cols), rule, ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join("\n");
}

export function printTable(title, rows, cols) {
  console.log(`\n${title}`);
  console.log(rows.length ? formatTable(rows, cols) : "(no rows)");
}

let clkTck = null;
async function ticksPerSecond() {
  if (clkTck === null) clkTck = Number((await execFileP("getconf", ["CLK_TCK"]).catch(() => ({ stdout: "100" }))).stdout.trim()) || 100;
  return clkTck;
}

/** Fields 3… of /proc/<pid>/stat (after the command name), or null when the process is gone. */
export async function statFields(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  return stat === null ? null : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/**
 * CPU milliseconds used so far by this process and the children it has reaped (the agents here
 * and every git they ran), plus the processes in `pids` and in the process groups `pgids` (with
 * what they reaped): the "whole system" cost of a case, read before and after it.
 */
export async function cpuMs({ pids = [], pgids = [] } = {}) {
  const want = new Set([process.pid, ...pids.filter(Boolean)]);
  const groups = new Set(pgids.filter(Boolean));
  let ticks = 0;
  const entries = groups.size ? (await readdir("/proc").catch(() => [])).filter((n) => /^\d+$/.test(n)).map(Number) : [...want];
  for (const pid of entries) {
    const f = await statFields(pid);
    if (!f || !(want.has(pid) || groups.has(Number(f[2])))) continue;
    ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
  }
  return (ticks * 1000) / (await ticksPerSecond());
}
