// herald.verify=signed: a peer's tip is merged only when every commit in it that HEAD lacks is
// signed by a key in herald.allowedSigners (ssh signatures, checked by git), or is a Herald merge
// that comes out the same when made again from its parents. What fails stays in the peer's ref,
// is said in status, the log and a hook, never reaches the work tree and is never pushed on;
// everything else keeps syncing.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { execFile } from "node:child_process";
import { appendFile, chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { mergeHeads } from "../src/git/merge-heads.js";
import { GitRepo, HERALD_IDENTITY } from "../src/git/repo.js";
import { statusLine, statusText, type AgentStatus } from "../src/status.js";
import { startOne, stopAll, type Running } from "./helpers.js";
import { exists, isAncestor, recordsOf } from "./fixtures.js";

const execFileP = promisify(execFile);
/** The test kit commits as this person (git-sandbox.ts). */
const WHO = "Test User <test@example.org>";

describe("herald.verify=signed", () => {
  let sb: Sandbox;
  const running: Running[] = [];
  afterEach(async () => {
    await stopAll(running.splice(0));
    await sb?.cleanup();
  });

  /** Three clones in a mesh, one trusted key for everyone; `verifying` check what they merge. */
  async function setup(verifying: string[]) {
    sb = await makeSandbox(["a", "b", "c"], "mesh");
    const key = (name: string) => join(sb.root, name);
    for (const k of ["trusted", "stranger"]) await execFileP("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", k, "-f", key(k)]);
    const signers = join(sb.root, "allowed_signers");
    await writeFile(signers, `test@example.org ${(await readFile(`${key("trusted")}.pub`, "utf8")).trim()}\n`);
    for (const dir of Object.values(sb.clones)) {
      // How a person sets up ssh signing (docs/guide.md): every commit of theirs is signed.
      await git(dir, "config", "gpg.format", "ssh");
      await git(dir, "config", "user.signingKey", key("trusted"));
      await git(dir, "config", "commit.gpgSign", "true");
    }
    for (const n of verifying) {
      await git(sb.clones[n]!, "config", "herald.verify", "signed");
      await git(sb.clones[n]!, "config", "herald.allowedSigners", signers);
    }
    return { stranger: key("stranger") };
  }

  const refused = async (r: Running): Promise<NonNullable<AgentStatus["refused"]>> => (await r.agent.status()).refused ?? [];
  const holds = (dir: string, sha: string) => isAncestor(dir, sha, "HEAD");

  it("syncs signed commits, keeps an unsigned one out on every verifying clone, and keeps syncing signed work", async () => {
    await setup(["b", "c"]);
    const [a, b, c] = [sb.clones.a!, sb.clones.b!, sb.clones.c!];
    const hook = join(sb.root, "hook.sh");
    await writeFile(hook, `#!/bin/sh\necho "$HERALD_EVENT $HERALD_REF $HERALD_SHA $HERALD_REMOTE" >> '${sb.root}/events.log'\n`);
    await chmod(hook, 0o755);
    await git(b, "config", "herald.hook", hook);
    const [ra, rb, rc] = [await startOne(a), await startOne(b), await startOne(c)];
    running.push(ra, rb, rc);

    const signed = await commitFile(a, "signed.txt", "signed by a\n");
    await waitFor(async () => (await head(b)) === signed && (await head(c)) === signed, 30_000, "a's signed commit on b and c");

    // a (which does not verify) takes an unsigned commit: its agent pushes it to b and c.
    await writeFile(join(a, "unsigned.txt"), "not signed\n");
    await git(a, "add", "unsigned.txt");
    await git(a, "-c", "commit.gpgSign=false", "commit", "-q", "-m", "unsigned");
    const unsigned = await head(a);
    for (const r of [rb, rc]) {
      const [x] = await waitFor(async () => { const l = await refused(r); return l.length ? l : null; }, 30_000, "the unsigned commit to be refused");
      expect(x).toMatchObject({ ref: "refs/remotes/a/main", commit: unsigned, author: WHO, reason: "unsigned" });
    }
    const [logged] = recordsOf(rb, "refused");
    expect(logged).toMatchObject({ ref: "refs/remotes/a/main", commit: unsigned, reason: "unsigned", author: WHO });
    const sb1 = await rb.agent.status();
    expect(statusText(sb1, Date.now())).toContain(`REFUSED: refs/remotes/a/main at ${unsigned.slice(0, 10)} not merged: ${unsigned.slice(0, 10)} by ${WHO}: unsigned`);
    expect(statusLine(sb1)).toContain("1 peer tip REFUSED");
    await waitFor(async () => (await readFile(join(sb.root, "events.log"), "utf8").catch(() => "")).includes(`refused refs/remotes/a/main ${unsigned} a`), 20_000, "b's hook to hear of it");

    // c's signed work still reaches b (and a) meanwhile.
    const later = await commitFile(c, "later.txt", "signed by c\n");
    await waitFor(async () => (await holds(b, later)) && (await holds(a, later)), 30_000, "c's signed commit on b and a");
    // a merged it with its unsigned commit and pushed that merge on: b still keeps it all out.
    await waitFor(async () => (await git(b, "rev-parse", "refs/remotes/a/main")).trim() !== unsigned, 30_000, "a's merge to reach b");
    await rb.agent.mergeNow();
    for (const dir of [b, c]) {
      expect(await holds(dir, unsigned)).toBe(false);
      expect(await exists(join(dir, "unsigned.txt"))).toBe(false);
      // The peer's ref is left as the peer pushed it.
      expect(await isAncestor(dir, unsigned, "refs/remotes/a/main")).toBe(true);
    }
    expect((await refused(rb))[0]).toMatchObject({ commit: unsigned, reason: "unsigned" });
    // Never pushed on: b sends only its HEAD, so what c (and a) hold from b lacks it.
    await rb.agent.idle();
    expect(await isAncestor(c, unsigned, "refs/remotes/b/main")).toBe(false);
    expect(await holds(c, later)).toBe(true);

    // A person on b who trusts the unsigned commit merges it by hand: from then on a's tip passes.
    const tipOfA = (await git(b, "rev-parse", "refs/remotes/a/main")).trim();
    await git(b, "merge", "-q", "--no-edit", unsigned);
    await rb.agent.mergeNow();
    // (HEAD holds all of a's work now: its Herald merge of the two is not needed, merge-heads.ts.)
    await waitFor(async () => (await refused(rb)).length === 0, 20_000, "a's tip to pass on b once HEAD holds the unsigned commit");
    for (const p of (await git(b, "show", "-s", "--format=%P", tipOfA)).trim().split(" ")) expect(await holds(b, p)).toBe(true);
    expect(recordsOf(rb, "refusal-cleared").map((r) => r.ref)).toContain("refs/remotes/a/main");
  }, 120_000);

  it("checks a signed commit in the agent itself, without ssh-keygen; one it cannot pass goes to git's own check", async () => {
    const { stranger } = await setup(["b"]);
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    // Every ssh-keygen run in this process's children (git's check runs it) is written down.
    const shim = join(sb.root, "shim");
    await mkdir(shim);
    const calls = join(sb.root, "ssh-keygen-calls.log");
    const real = (await execFileP("sh", ["-c", "command -v ssh-keygen"])).stdout.trim();
    await writeFile(join(shim, "ssh-keygen"), `#!/bin/sh\necho "$2" >> '${calls}'\nexec '${real}' "$@"\n`);
    await chmod(join(shim, "ssh-keygen"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${shim}:${path}`;
    try {
      const rb = await startOne(b);
      running.push(rb);
      const checks = async () => (await readFile(calls, "utf8").catch(() => "")).split("\n").filter((l) => l && l !== "sign");
      const signed = await commitFile(a, "signed.txt", "by the trusted key\n");
      await git(a, "push", "-q", "b", "HEAD:refs/remotes/a/main");
      await rb.agent.mergeNow();
      await waitFor(async () => (await head(b)) === signed, 20_000, "a's signed commit on b");
      expect(await checks()).toEqual([]);
      // A key not in the file: git's check decides (find-principals finds nobody) and names it.
      await git(a, "-c", `user.signingKey=${stranger}`, "commit", "-q", "--allow-empty", "-m", "by a stranger");
      const unknown = await head(a);
      await git(a, "push", "-q", "b", "HEAD:refs/remotes/a/main");
      await rb.agent.mergeNow();
      const [x] = await waitFor(async () => { const l = await refused(rb); return l.length ? l : null; }, 20_000, "the stranger's commit to be refused");
      expect(x).toMatchObject({ commit: unknown, reason: "unknown-key" });
      expect(await checks()).toContain("find-principals");
      expect(await head(b)).toBe(signed);
    } finally {
      process.env.PATH = path;
    }
  });

  it("refuses an unknown key, a tampered signature and a forged Herald merge; takes a real Herald merge", async () => {
    const { stranger } = await setup(["b", "c"]);
    const [a, b, c] = [sb.clones.a!, sb.clones.b!, sb.clones.c!];
    const [rb, rc] = [await startOne(b), await startOne(c)];
    running.push(rb, rc);
    // a is an attacker with push access (no agent): each forgery goes into b's and c's refs.
    const base = await head(a);
    const branchCommit = async (name: string, file: string, ...cfg: string[]) => {
      await git(a, "checkout", "-q", "-b", name, base);
      await writeFile(join(a, file), `${name}\n`);
      await git(a, "add", file);
      await git(a, ...cfg, "commit", "-q", "-m", name);
      return head(a);
    };
    const unknown = await branchCommit("unknown", "unknown.txt", "-c", `user.signingKey=${stranger}`);
    // A signed commit whose signature bytes are altered, stored as a commit of its own.
    const good = await branchCommit("tampered", "tampered.txt");
    const lines = (await git(a, "cat-file", "commit", good)).split("\n");
    const end = lines.findIndex((l) => l.includes("-----END SSH SIGNATURE-----"));
    const at = end - 2, pos = 20, ch = lines[at]![pos] === "A" ? "B" : "A";
    lines[at] = lines[at]!.slice(0, pos) + ch + lines[at]!.slice(pos + 1);
    const tamperedFile = join(sb.root, "tampered-commit");
    await writeFile(tamperedFile, lines.join("\n"));
    const tampered = (await git(a, "hash-object", "-t", "commit", "-w", tamperedFile)).trim();
    expect(tampered).not.toBe(good);
    // A real Herald merge of two signed commits, made as any node makes it, and a forgery of it:
    // same parents, message, identity and dates, another tree.
    const [x, y] = [await branchCommit("x", "x.txt"), await branchCommit("y", "y.txt")];
    const merge = (await mergeHeads(new GitRepo(a, join(a, ".git")), [x, y])).commit;
    await git(a, "checkout", "-q", "-b", "forged", merge);
    await writeFile(join(a, "evil.txt"), "not what the merge makes\n");
    await git(a, "add", "evil.txt");
    const tree = (await git(a, "write-tree")).trim();
    const [parents, message, date] = (await git(a, "show", "-s", "--format=%P%x00%B%x00%cd", "--date=raw", merge)).split("\0");
    const env = { GIT_AUTHOR_NAME: HERALD_IDENTITY.name, GIT_AUTHOR_EMAIL: HERALD_IDENTITY.email, GIT_COMMITTER_NAME: HERALD_IDENTITY.name, GIT_COMMITTER_EMAIL: HERALD_IDENTITY.email, GIT_AUTHOR_DATE: date!.trim(), GIT_COMMITTER_DATE: date!.trim() };
    const forged = (await execFileP("git", ["commit-tree", tree, ...parents!.trim().split(" ").flatMap((p) => ["-p", p]), "-m", message!.trimEnd()], { cwd: a, env: { ...process.env, ...env } })).stdout.trim();
    expect(forged).not.toBe(merge);

    const pushes: Array<[string, string]> = [["x-unknown", unknown], ["x-tampered", tampered], ["x-forged", forged], ["x-merge", merge]];
    for (const dir of [b, c]) for (const [ns, sha] of pushes) await git(a, "push", "-q", dir, `${sha}:refs/remotes/${ns}/main`);

    const want = { "refs/remotes/x-unknown/main": [unknown, "unknown-key"], "refs/remotes/x-tampered/main": [tampered, "bad-signature"], "refs/remotes/x-forged/main": [forged, "merge-does-not-recompute"] };
    for (const r of [rb, rc]) {
      const got = await waitFor(async () => { const l = await refused(r); return l.length === 3 ? l : null; }, 30_000, "three refusals");
      expect(Object.fromEntries(got.map((f) => [f.ref, [f.commit, f.reason]]))).toEqual(want);
      expect(got.find((f) => f.reason === "merge-does-not-recompute")!.author).toBe("Herald <herald@localhost>");
      expect(got.find((f) => f.reason === "unknown-key")!.author).toBe(WHO);
    }
    // The real merge recomputes, so it is taken.
    await waitFor(async () => (await holds(b, merge)) && (await holds(c, merge)), 30_000, "the real Herald merge on b and c");

    // Signed work from c keeps flowing to b.
    const later = await commitFile(c, "later.txt", "signed by c\n");
    await waitFor(async () => holds(b, later), 30_000, "c's signed commit on b");
    await rb.agent.idle();
    await rc.agent.idle();
    for (const dir of [b, c]) {
      for (const sha of [unknown, tampered, forged]) expect(await holds(dir, sha)).toBe(false);
      for (const f of ["unknown.txt", "tampered.txt", "evil.txt"]) expect(await exists(join(dir, f))).toBe(false);
      // The refused refs stay as pushed (the merged Herald merge's record is emptied as usual).
      for (const [ns, sha] of pushes.slice(0, 3)) expect((await git(dir, "rev-parse", `refs/remotes/${ns}/main`)).trim()).toBe(sha);
    }
    // Never pushed on: what b sent to c and a (its HEAD) holds none of them.
    for (const [dir, ref] of [[c, "refs/remotes/b/main"], [a, "refs/remotes/b/main"]] as const) {
      for (const sha of [unknown, tampered, forged]) expect(await isAncestor(dir, sha, ref)).toBe(false);
    }

    // A key added to the allowed signers file counts from the next pass on.
    await appendFile(join(sb.root, "allowed_signers"), `test@example.org ${(await readFile(`${stranger}.pub`, "utf8")).trim()}\n`);
    await rb.agent.mergeNow();
    await waitFor(async () => holds(b, unknown), 20_000, "the newly trusted key's commit on b");
    expect((await refused(rb)).map((f) => f.ref).sort()).toEqual(["refs/remotes/x-forged/main", "refs/remotes/x-tampered/main"]);
    expect(recordsOf(rb, "refusal-cleared").map((r) => r.ref)).toEqual(["refs/remotes/x-unknown/main"]);
  }, 120_000);

  it("takes a clone's autocommits when that clone signs its commits", async () => {
    await setup(["b"]);
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    await git(a, "config", "herald.autocommit", "true");
    const [ra, rb] = [await startOne(a), await startOne(b)];
    running.push(ra, rb);
    await writeFile(join(a, "auto.txt"), "saved by an editor\n");
    const sha = await waitFor(async () => { const h = await head(a); return (await exists(join(b, "auto.txt"))) && h; }, 30_000, "a's autocommit on b");
    expect((await git(b, "-c", `gpg.ssh.allowedSignersFile=${join(sb.root, "allowed_signers")}`, "log", "-1", "--format=%G?", sha)).trim()).toBe("G");
    expect(await refused(rb)).toEqual([]);
  }, 60_000);

  it("OpenPGP: merges what a key in herald.allowedOpenpgpKeys signed, and not what the user's own keyring knows", async () => {
    sb = await makeSandbox(["a", "b"], "mesh");
    const [a, b] = [sb.clones.a!, sb.clones.b!];
    const homes: string[] = [];
    const gpgHome = async (name: string) => {
      const home = join(sb.root, name);
      await mkdir(home, { mode: 0o700 });
      homes.push(home); // signing needs its gpg-agent; stopped at the end
      const env = { ...process.env, GNUPGHOME: home };
      await execFileP("gpg", ["--batch", "--quiet", "--passphrase", "", "--quick-gen-key", `${name} <test@example.org>`, "ed25519", "sign", "never"], { env });
      const fpr = (await execFileP("gpg", ["--list-keys", "--with-colons"], { env })).stdout.split("\n").find((l) => l.startsWith("fpr"))!.split(":")[9]!;
      return { env, fpr, armored: (await execFileP("gpg", ["--export", "--armor", fpr], { env })).stdout };
    };
    const [trusted, stranger] = [await gpgHome("trusted"), await gpgHome("stranger")];
    const keys = join(sb.root, "allowed.asc");
    await writeFile(keys, trusted.armored);
    await git(b, "config", "herald.verify", "signed");
    await git(b, "config", "herald.allowedOpenpgpKeys", keys);
    // The user's own keyring (the agent's GNUPGHOME) knows both keys: that must not make the
    // stranger's signature count.
    const own = join(sb.root, "own");
    await mkdir(own, { mode: 0o700 });
    await writeFile(join(own, "gpg.conf"), "no-autostart\ntrust-model always\n");
    await writeFile(join(own, "both.asc"), trusted.armored + stranger.armored);
    await execFileP("gpg", ["--batch", "--quiet", "--import", join(own, "both.asc")], { env: { ...process.env, GNUPGHOME: own } });
    const saved = process.env.GNUPGHOME;
    process.env.GNUPGHOME = own;
    try {
      const [ra, rb] = [await startOne(a), await startOne(b)];
      running.push(ra, rb);
      const commit = async (who: { env: NodeJS.ProcessEnv; fpr: string }, file: string) => {
        await writeFile(join(a, file), `${file}\n`);
        await git(a, "add", file);
        await execFileP("git", ["-c", `user.signingKey=${who.fpr}`, "commit", "-q", "-S", "-m", file], { cwd: a, env: who.env });
        return head(a);
      };
      const good = await commit(trusted, "pgp-good.txt");
      await waitFor(async () => (await head(b)) === good, 30_000, "the commit signed by the allowed OpenPGP key on b");
      const bad = await commit(stranger, "pgp-stranger.txt");
      const [x] = await waitFor(async () => { const l = await refused(rb); return l.length ? l : null; }, 30_000, "the stranger's commit to be refused");
      expect(x).toMatchObject({ ref: "refs/remotes/a/main", commit: bad, reason: "unknown-key" });
      expect(await holds(b, bad)).toBe(false);
      expect(await exists(join(b, "pgp-stranger.txt"))).toBe(false);
      // Adding the key to the file lets it in at the next pass (a new commit brings one).
      await appendFile(keys, stranger.armored);
      const next = await commit(trusted, "pgp-next.txt");
      await waitFor(async () => (await head(b)) === next, 30_000, "b to take both once the stranger's key is allowed");
      expect(await refused(rb)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.GNUPGHOME;
      else process.env.GNUPGHOME = saved;
      for (const h of homes) await execFileP("gpgconf", ["--homedir", h, "--kill", "all"]).catch(() => undefined);
    }
  }, 90_000);
});
