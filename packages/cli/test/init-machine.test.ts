// `herald init --machine` as a script would run it (no terminal, --no-check: no server needed):
// the settings land in $XDG_CONFIG_HOME/herald/config, which `git config -f` reads back, and
// never in the clone the command happens to run in.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { herald, lines } from "./run-herald.js";

const execFileP = promisify(execFile);

describe("herald init --machine", () => {
  let root: string, file: string, pwFile: string, env: NodeJS.ProcessEnv;
  const init = (...args: string[]) => herald(["init", "--machine", ...args], { env, cwd: root });
  /** The file's herald.* settings as git reads them, or [] if there is no file. */
  const settings = async () => {
    const r = await execFileP("git", ["config", "-f", file, "--get-regexp", "^herald\\."]).catch((e: { code?: number }) => (e.code === 1 ? { stdout: "" } : Promise.reject(e)));
    return r.stdout.split("\n").filter(Boolean);
  };

  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), "herald-init-machine-")));
    file = join(root, "config", "herald", "config");
    pwFile = join(root, "agent.pw");
    await writeFile(pwFile, "secret\n", { mode: 0o600 });
    // An outer HERALD_PASSWORD must not stand in for --password-file.
    env = { XDG_CONFIG_HOME: join(root, "config"), HOME: join(root, "home"), HERALD_PASSWORD: "" };
  });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  it("--dry-run prints the git config -f commands and writes nothing", async () => {
    const r = await init("--jid", "me@example.org", "--password-file", pwFile, "--peer", "a@example.org", "--peer", "b@example.org", "--dry-run");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe([
      "would run:",
      `  git config -f ${file} herald.jid me@example.org`,
      `  git config -f ${file} herald.passwordFile ${pwFile}`,
      `  git config -f ${file} --replace-all herald.peer a@example.org`,
      `  git config -f ${file} --add herald.peer b@example.org`,
      "",
    ].join("\n"));
    expect(await settings()).toEqual([]);
  });

  it("writes the machine file, not the clone it runs in, and later runs keep what they do not replace", async () => {
    await execFileP("git", ["init", "-q", root]);
    const cloneConfig = await readFile(join(root, ".git", "config"), "utf8");
    const r = await init("--jid", "me@example.org", "--password-file", pwFile, "--service", "xmpp://chat.example.org:5222",
      "--pubsub", "pubsub.example.org", "--peer", "a@example.org", "--admin", "boss@example.org", "--no-check");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`machine settings written to ${file}: account me@example.org (not checked)`);
    expect(await settings()).toEqual([
      "herald.jid me@example.org", `herald.passwordfile ${pwFile}`, "herald.service xmpp://chat.example.org:5222",
      "herald.pubsub pubsub.example.org", "herald.peer a@example.org", "herald.admin boss@example.org",
    ]);
    expect(await readFile(join(root, ".git", "config"), "utf8")).toBe(cloneConfig);
    // No --jid or --password-file: the file already has them. --peer replaces the whole list.
    const again = await init("--peer", "b@example.org", "--peer", "c@example.org", "--no-check");
    expect(again.code).toBe(0);
    expect((await settings()).filter((l) => /^herald\.(jid|peer) /.test(l))).toEqual(["herald.jid me@example.org", "herald.peer b@example.org", "herald.peer c@example.org"]);
  });

  it.each([
    [["--node", "laptop"], "herald: Arguments machine and node are mutually exclusive (see herald --help)"],
    [["--repo", "."], "herald: Arguments machine and repo are mutually exclusive (see herald --help)"],
    [["--peer", "not a jid"], 'herald: herald.peer: "not a jid" is not a bare JID (user@domain)'],
  ])("rejects %j in one line (exit 2) and writes nothing", async (extra, message) => {
    const r = await init("--jid", "me@example.org", "--password-file", pwFile, "--no-check", ...extra);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([message]);
    expect(await settings()).toEqual([]);
  });

  it("names the missing flags when it cannot ask (exit 2)", async () => {
    const r = await init("--no-check");
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(["herald: missing --jid and --password-file; stdin is not a terminal, so herald init cannot ask (give them as flags)"]);
  });

  it("names a malformed machine file and leaves it alone (exit 2)", async () => {
    await mkdir(join(root, "config", "herald"), { recursive: true });
    await writeFile(file, "[herald\n\tjid = x\n");
    const r = await init("--jid", "me@example.org", "--password-file", pwFile, "--no-check");
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`herald: ${file}: bad config line 1`]);
    expect(await readFile(file, "utf8")).toBe("[herald\n\tjid = x\n");
  });
});
