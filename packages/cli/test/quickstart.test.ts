// The README's two-machine quick start, played as printed: its commands are read from the README
// (the fenced block after the quickstart marker), so the test and the page cannot drift. Two
// "machines" are two homes (HOME, XDG_CONFIG_HOME, XDG_RUNTIME_DIR) on this host, each with its
// own daemon; the server is a throwaway Prosody that requires STARTTLS, with a certificate from
// a CA made for this run, which nothing but the quick start's own --tls-ca makes trusted.
//
// What the README assumes is there beforehand, the test provides: in each home the machine's
// password in ~/.herald-pw, the CA in ~/herald-ca.pem, a git identity; on the laptop a
// repository at ~/notes with one commit. And it replaces, in the commands, only:
//   xmpp.example.org:5222  ->  127.0.0.1:<the test server's port>
//   example.org            ->  the test server's domain
//   laptop:notes           ->  the laptop's ~/notes (the desktop clones it over the file system, not ssh)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commitFile, git, startXmppServer, waitFor, type XmppServer } from "@herald/testkit";
import { BIN } from "./run-herald.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MARKER = "<!-- quickstart: played by packages/cli/test/quickstart.test.ts -->";
const MACHINES = ["laptop", "desktop"] as const;
type Machine = (typeof MACHINES)[number];

interface Step { machine: Machine; script: string }

/** The block after the marker, cut into turns at its `# laptop...` / `# desktop...` lines. */
function quickStartSteps(readme: string): Step[] {
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no ${MARKER}`);
  const block = /^```sh\n([\s\S]*?)^```/m.exec(readme.slice(at));
  if (!block) throw new Error("README.md: no ```sh block after the quickstart marker");
  const steps: Step[] = [];
  for (const line of block[1]!.split("\n")) {
    const turn = /^# (laptop|desktop)\b/.exec(line);
    if (turn) steps.push({ machine: turn[1] as Machine, script: "" });
    else if (steps.length) steps[steps.length - 1]!.script += `${line}\n`;
    else if (line.trim()) throw new Error(`README.md quick start: "${line}" comes before any "# laptop" or "# desktop" line`);
  }
  return steps;
}

interface Run { code: number | null; out: string }
function bash(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (out += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (out += s));
    // "exit", not "close": a daemon started in the background must not keep this waiting.
    child.once("exit", (code) => setTimeout(() => resolve({ code, out }), 50));
  });
}

const readmeSteps = quickStartSteps(await readFile(join(ROOT, "README.md"), "utf8"));

describe("the README's quick start", () => {
  it("is a block of turns, laptop, desktop, laptop", () => {
    expect(readmeSteps.map((s) => s.machine)).toEqual(["laptop", "desktop", "laptop"]);
    expect(readmeSteps[0]!.script).toMatch(/^herald init --machine .*\\\n.* --tls-ca ~\/herald-ca\.pem /m);
  });
});

describe("the README's quick start, as printed, against a Prosody that requires TLS", () => {
  let server: XmppServer, dir: string;
  const home = {} as Record<Machine, string>;
  const env = {} as Record<Machine, NodeJS.ProcessEnv>;

  beforeAll(async () => {
    server = await startXmppServer({ tls: true, accounts: [...MACHINES] });
    dir = await realpath(await mkdtemp(join(tmpdir(), "herald-quickstart-")));
    const bin = join(dir, "bin");
    await mkdir(bin);
    await writeFile(join(bin, "herald"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
    await chmod(join(bin, "herald"), 0o755);
    // Nothing from this process may make the server's certificate trusted, or supply a password.
    const { NODE_EXTRA_CA_CERTS: _ca, HERALD_PASSWORD: _pw, NODE_OPTIONS: _o, GIT_DIR: _g, GIT_WORK_TREE: _w, ...base } = process.env;
    for (const m of MACHINES) {
      const h = (home[m] = join(dir, m));
      await mkdir(join(h, "run"), { recursive: true, mode: 0o700 });
      env[m] = { ...base, HOME: h, XDG_CONFIG_HOME: join(h, ".config"), XDG_RUNTIME_DIR: join(h, "run"), XDG_STATE_HOME: join(h, ".local/state"), PATH: `${bin}:${process.env.PATH}` };
      await writeFile(join(h, ".herald-pw"), `${server.accounts.find((a) => a.username === m)!.password}\n`, { mode: 0o600 });
      await copyFile(server.caFile!, join(h, "herald-ca.pem"));
      await writeFile(join(h, ".gitconfig"), `[user]\n\tname = ${m}\n\temail = ${m}@example.org\n[init]\n\tdefaultBranch = main\n`);
    }
    const notes = join(home.laptop, "notes");
    await git(home.laptop, "init", "-q", notes);
    await writeFile(join(notes, "todo.txt"), "write the quick start\n");
    await git(notes, "add", "todo.txt");
    await git(notes, "-c", "user.name=laptop", "-c", "user.email=laptop@example.org", "commit", "-q", "-m", "first");
  }, 60_000);

  afterAll(async () => {
    for (const m of MACHINES) if (env[m]) await bash("herald stop || true", env[m], home[m]);
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("brings a commit made on the laptop to the desktop, and one made on the desktop back", async () => {
    const subst = (script: string) => script
      .replaceAll("xmpp.example.org:5222", `127.0.0.1:${server.port}`)
      .replaceAll("example.org", server.domain)
      .replaceAll("laptop:notes", join(home.laptop, "notes"));
    for (const [i, step] of readmeSteps.entries()) {
      const script = subst(step.script);
      const r = await bash(script, env[step.machine], home[step.machine]);
      expect({ step: i + 1, machine: step.machine, script, code: r.code, out: r.code === 0 ? "" : r.out })
        .toEqual({ step: i + 1, machine: step.machine, script, code: 0, out: "" });
    }
    // The README: "a commit, which is in the desktop's ~/notes a moment later".
    const arrived = join(home.desktop, "notes", "hello.txt");
    await waitFor(async () => existsSync(arrived) && (await readFile(arrived, "utf8")) === "hello\n", 20_000, "hello.txt on the desktop");
    // "From then on commits travel by themselves, both ways."
    await commitFile(join(home.desktop, "notes"), "reply.txt", "hello back\n");
    const back = join(home.laptop, "notes", "reply.txt");
    await waitFor(async () => existsSync(back), 20_000, "reply.txt on the laptop");
  }, 120_000);
});
