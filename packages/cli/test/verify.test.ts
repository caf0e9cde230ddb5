// `herald verify`: what the clone's trust policy would keep out now, without an agent; exit 1 when
// something would be refused, 2 for settings it cannot use.
import { commitFile, git, makeSandbox, type Sandbox } from "@herald/testkit";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { herald } from "./run-herald.js";

const execFileP = promisify(execFile);

describe("herald verify", () => {
  let sb: Sandbox;
  afterEach(async () => { await sb?.cleanup(); });

  it("lists each peer's tip as ok or refused, with the commit, its author and why", async () => {
    sb = await makeSandbox(["a", "b"], "line");
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    const key = join(sb.root, "key");
    await execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "k", "-f", key]);
    const signers = join(sb.root, "allowed_signers");
    await writeFile(signers, `test@example.org ${(await readFile(`${key}.pub`, "utf8")).trim()}\n`);
    await git(b, "config", "herald.allowedSigners", signers);

    const base = (await git(a, "rev-parse", "HEAD")).trim();
    await git(a, "config", "gpg.format", "ssh");
    await git(a, "config", "user.signingKey", key);
    const signed = await commitFile(a, "s.txt", "signed\n");
    await git(a, "-c", "commit.gpgSign=true", "commit", "-q", "--amend", "--no-edit");
    const good = (await git(a, "rev-parse", "HEAD")).trim();
    expect(good).not.toBe(signed);
    await git(a, "checkout", "-q", "-b", "other", base);
    const unsigned = await commitFile(a, "u.txt", "unsigned\n");
    await git(a, "push", "-q", b, `${good}:refs/remotes/good/main`, `${unsigned}:refs/remotes/bad/main`);

    // herald.verify is off: checked as if it were signed.
    const r = await herald(["verify", "--repo", b]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("herald.verify=off (checked as if signed)");
    expect(r.stdout).toContain(`ok refs/remotes/good/main at ${good.slice(0, 10)}`);
    expect(r.stdout).toContain(`REFUSED refs/remotes/bad/main at ${unsigned.slice(0, 10)} not merged: ${unsigned.slice(0, 10)} by Test User <test@example.org>: unsigned`);
    const j = await herald(["verify", "--json", "--repo", b]);
    expect(JSON.parse(j.stdout)).toMatchObject({ trusted: [{ ref: "refs/remotes/good/main", tip: good }], refused: [{ ref: "refs/remotes/bad/main", commit: unsigned, reason: "unsigned" }] });

    await git(b, "update-ref", "-d", "refs/remotes/bad/main");
    expect((await herald(["verify", "--repo", b])).code).toBe(0);

    await git(b, "config", "herald.allowedSigners", "allowed_signers");
    const bad = await herald(["verify", "--repo", b]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/herald.allowedSigners: expected an absolute path/);
  }, 60_000);

  it("herald init --verify signed --allowed-signers FILE writes both settings and says how to sign commits", async () => {
    sb = await makeSandbox(["a"], "line");
    const a = sb.clones.a!;
    const pw = join(sb.root, "pw");
    await writeFile(pw, "secret\n");
    await writeFile(join(sb.root, "allowed_signers"), "me@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB\n");
    const r = await herald(["init", "--repo", a, "--jid", "a@localhost", "--password-file", pw, "--no-check", "--verify", "signed", "--allowed-signers", "allowed_signers"], { cwd: sb.root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect((await git(a, "config", "herald.verify")).trim()).toBe("signed");
    expect((await git(a, "config", "herald.allowedSigners")).trim()).toBe(join(sb.root, "allowed_signers")); // made absolute
    expect(r.stdout).toContain("this clone does not sign its own yet");
    expect(r.stdout).toContain("git config --global gpg.format ssh");

    const missing = await herald(["init", "--repo", a, "--jid", "a@localhost", "--password-file", pw, "--no-check", "--verify", "signed", "--allowed-signers", join(sb.root, "none")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/herald.allowedSigners: cannot read .*none: ENOENT/);
  }, 60_000);
});
