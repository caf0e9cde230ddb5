// `herald init` offers to sign the clone's commits (peers with herald.verify=signed merge only
// signed work): at a terminal it asks, with the user's own ssh key as the default; --signing-key
// does the same without a terminal. The terminal is a real pty (util-linux `script`), answered as
// each question appears, since readline drops a line typed before its question.
import { git, makeSandbox, type Sandbox } from "@herald/testkit";
import { execFile, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { BIN, herald } from "./run-herald.js";

const execFileP = promisify(execFile);
const config = async (dir: string, key: string) => (await git(dir, "config", "--get", key).catch(() => "")).trim();

/** Runs herald under a pty; each time the output shows `prompts[i]`, types `answers[i]` + Enter. */
function atTerminal(args: string[], env: NodeJS.ProcessEnv, steps: Array<[RegExp, string]>): Promise<{ code: number | null; out: string }> {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const child = spawn("script", ["-qfec", cmd, "/dev/null"], { env: { ...process.env, ...env } });
  let out = "";
  let step = 0;
  const feed = (d: Buffer) => {
    out += d.toString();
    while (step < steps.length && steps[step]![0].test(out)) {
      child.stdin.write(`${steps[step]![1]}\r`);
      out += "\n--answered--\n";
      step++;
    }
  };
  child.stdout.on("data", feed);
  child.stderr.on("data", feed);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
}

describe("herald init: signing", () => {
  let sb: Sandbox;
  afterEach(async () => { await sb?.cleanup(); });

  it("at a terminal, offers the user's ssh key and makes git sign the clone's commits with it", async () => {
    sb = await makeSandbox(["a"], "line");
    const a = sb.clones.a!;
    const home = join(sb.root, "home");
    await mkdir(join(home, ".ssh"), { recursive: true });
    const key = join(home, ".ssh", "id_ed25519");
    await execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "me", "-f", key]);
    const pw = join(sb.root, "pw");
    await writeFile(pw, "secret\n");
    const signers = join(sb.root, "allowed_signers");
    await writeFile(signers, "me@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB\n");
    const env = { HOME: home, GIT_CONFIG_GLOBAL: "/dev/null" };

    const r = await atTerminal(["init", "--repo", a, "--jid", "a@localhost", "--password-file", pw, "--service", "xmpp://localhost:5222", "--peer", "b@localhost", "--no-check", "--verify", "signed", "--allowed-signers", signers], env, [
      [/Sign this clone's commits with an ssh key\?.*\[.*id_ed25519\.pub\]/, "/nowhere.pub"], // a wrong answer is named, then asked again
      [/cannot read \/nowhere\.pub: ENOENT[\s\S]*Sign this clone's commits/, ""], // Enter: the default key
    ]);
    expect(r.out).toContain("--answered--\n");
    expect(r.code).toBe(0);
    expect({ format: await config(a, "gpg.format"), key: await config(a, "user.signingKey"), sign: await config(a, "commit.gpgSign") })
      .toEqual({ format: "ssh", key: `${key}.pub`, sign: "true" });
    expect(r.out).toContain(`commits here are signed with ${key}.pub`);
    // git now signs a plain commit here (as Herald's autocommit makes them) with that key.
    await writeFile(join(a, "f.txt"), "x\n");
    await git(a, "add", "f.txt");
    await execFileP("git", ["commit", "-q", "-m", "signed by config"], { cwd: a, env: { ...process.env, ...env } });
    expect((await execFileP("git", ["cat-file", "commit", "HEAD"], { cwd: a })).stdout).toContain("-----BEGIN SSH SIGNATURE-----");
  }, 60_000);

  it("at a terminal with every flag given and no verify, asks nothing; --signing-key checks its file", async () => {
    sb = await makeSandbox(["a"], "line");
    const a = sb.clones.a!;
    const home = join(sb.root, "home");
    await mkdir(join(home, ".ssh"), { recursive: true });
    await execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "me", "-f", join(home, ".ssh", "id_ed25519")]);
    const pw = join(sb.root, "pw");
    await writeFile(pw, "secret\n");
    const env = { HOME: home, GIT_CONFIG_GLOBAL: "/dev/null" };
    const base = ["init", "--repo", a, "--jid", "a@localhost", "--password-file", pw, "--service", "xmpp://localhost:5222", "--peer", "b@localhost", "--no-check"];

    const quiet = await atTerminal(base, env, []);
    expect(quiet.code).toBe(0);
    expect(quiet.out).not.toContain("Sign this clone");
    expect(await config(a, "commit.gpgSign")).toBe("");

    const notKey = await herald([...base, "--signing-key", pw], { env });
    expect(notKey.code).toBe(2);
    expect(notKey.stderr).toContain(`--signing-key: ${pw} is not an ssh public key`);
    expect(await config(a, "commit.gpgSign")).toBe("");

    const ok = await herald([...base, "--signing-key", join(home, ".ssh", "id_ed25519.pub")], { env });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(await config(a, "user.signingKey")).toBe(join(home, ".ssh", "id_ed25519.pub"));
    expect(await config(a, "commit.gpgSign")).toBe("true");
  }, 60_000);
});
