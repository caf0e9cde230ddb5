// The in-process ssh signature check (verify/sshsig.ts) against git's own (%G?, which runs
// ssh-keygen): it may say "good" only where git says G, and it must say "good" for the plain case
// (one principal, an Ed25519 key), or it saves nothing.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { git } from "@herald/testkit";
import { parseAllowedSigners, splitSignedCommit, sshSignatureGood } from "../src/verify/sshsig.js";

const run = promisify(execFile);

describe("the in-process ssh signature check agrees with git's", () => {
  let root: string, repo: string;
  const pub: Record<string, string> = {};
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "herald-sshsig-"));
    repo = join(root, "r");
    await git(root, "init", "-q", "-b", "main", repo);
    for (const [name, type] of [["alice", "ed25519"], ["eve", "ed25519"], ["rsa", "rsa"]]) {
      await run("ssh-keygen", ["-q", "-t", type!, ...(type === "rsa" ? ["-b", "2048"] : []), "-N", "", "-C", name!, "-f", join(root, name!)]);
      pub[name!] = (await readFile(join(root, `${name}.pub`), "utf8")).trim().split(" ").slice(0, 2).join(" ");
    }
  });
  afterAll(async () => { await rm(root, { recursive: true, force: true }); });

  async function commit(key: string | null, message: string): Promise<string> {
    await writeFile(join(repo, "f.txt"), `${message}\n`);
    await git(repo, "add", "f.txt");
    const sign = key ? ["-c", "gpg.format=ssh", "-c", `user.signingKey=${join(root, key)}`, "commit", "-S"] : ["commit"];
    await git(repo, ...sign, "-q", "-m", message);
    return (await git(repo, "rev-parse", "HEAD")).trim();
  }
  const body = async (sha: string) => Buffer.from((await run("git", ["cat-file", "commit", sha], { cwd: repo, encoding: "buffer" })).stdout);
  const gitSays = async (sha: string, signers: string) => (await git(repo, "-c", `gpg.ssh.allowedSignersFile=${signers}`, "log", "-1", "--format=%G?", sha)).trim();
  const fast = async (sha: string, signers: string) => {
    const s = splitSignedCommit(await body(sha));
    return s ? sshSignatureGood(s.payload, s.signature, parseAllowedSigners(await readFile(signers, "utf8"))) : "ask-git";
  };

  it("says good exactly where git says G, and asks git for every form it does not take on", async () => {
    const byAlice = await commit("alice", "one");
    const byEve = await commit("eve", "two");
    const byRsa = await commit("rsa", "three");
    const unsigned = await commit(null, "four");
    // A multi-line message and a body that mentions gpgsig: only the header is the signature.
    const tricky = await commit("alice", "five\n\ngpgsig is a word here\n with a leading space");
    const files: Record<string, string> = {
      plain: `alice@example.org ${pub.alice}\n`,
      withComment: `# team\nalice@example.org ${pub.alice} alice's laptop\nbob@example.org ${pub.eve}\n`,
      otherKey: `alice@example.org ${pub.eve}\n`,
      namespacesGit: `alice@example.org namespaces="git" ${pub.alice}\n`,
      namespacesFile: `alice@example.org namespaces="file" ${pub.alice}\n`,
      expired: `alice@example.org valid-before="20200101" ${pub.alice}\n`,
      certAuthority: `*@example.org cert-authority ${pub.alice}\n`,
      twoPrincipals: `alice@example.org,al@example.org ${pub.alice}\n`,
      plainAndExpired: `alice@example.org ${pub.alice}\nalice@example.org valid-before="20200101" ${pub.alice}\n`,
      rsa: `r@example.org ${pub.rsa}\n`,
      brokenLineFirst: `nonsense here\nalice@example.org ${pub.alice}\n`,
    };
    const table: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      const f = join(root, `signers-${name}`);
      await writeFile(f, text);
      for (const [what, sha] of Object.entries({ byAlice, byEve, byRsa, unsigned, tricky })) {
        const [g, mine] = [await gitSays(sha, f), await fast(sha, f)];
        table.push(`${name} ${what}: git ${g}, here ${mine}`);
        if (mine === "good") expect(`${name} ${what}: git ${g}`).toBe(`${name} ${what}: git G`);
      }
    }
    // The plain forms are decided here (that is the saving); every other form goes to git.
    for (const line of ["plain byAlice", "plain tricky", "withComment byAlice", "withComment byEve", "brokenLineFirst byAlice"]) {
      expect(table).toContain(`${line}: git G, here good`);
    }
    for (const line of ["namespacesGit byAlice", "expired byAlice", "certAuthority byAlice", "twoPrincipals byAlice", "plainAndExpired byAlice", "rsa byRsa"]) {
      expect(table.find((l) => l.startsWith(`${line}:`))).toMatch(/here ask-git$/);
    }
  });

  it("a commit altered after signing is not good here (git then says B)", async () => {
    const sha = await commit("alice", "signed");
    const signers = join(root, "signers-alter");
    await writeFile(signers, `alice@example.org ${pub.alice}\n`);
    const b = await body(sha);
    const altered = Buffer.from(b.toString("latin1").replace("\nsigned\n", "\nsigned, then changed\n"), "latin1");
    const s = splitSignedCommit(altered)!;
    expect(sshSignatureGood(s.payload, s.signature, parseAllowedSigners(`alice@example.org ${pub.alice}\n`))).toBe("ask-git");
    const written = await new Promise<string>((resolve, reject) => {
      const child = execFile("git", ["hash-object", "-t", "commit", "-w", "--stdin"], { cwd: repo }, (e, out) => (e ? reject(e) : resolve(out.trim())));
      child.stdin!.end(altered);
    });
    expect(await gitSays(written, signers)).toBe("B");
    // The untouched commit is good both ways.
    const t = splitSignedCommit(b)!;
    expect(sshSignatureGood(t.payload, t.signature, parseAllowedSigners(`alice@example.org ${pub.alice}\n`))).toBe("good");
  });
});
