// OpenPGP signatures (herald.allowedOpenpgpKeys): git checks them with gpg against the keyring in
// GNUPGHOME, and the user's own keyring holds whoever they ever imported. So the allowed keys (a
// file of `gpg --export --armor` output, copied to every machine like the allowed signers file)
// are imported into a keyring of Herald's own, .git/herald/gnupg, and git's check runs with
// GNUPGHOME there: a good signature (%G? G) then means "by a key in the file". trust-model always
// is what makes a key in that keyring count as valid (being in the file is the trust decision);
// no-autostart keeps gpg from leaving a gpg-agent behind, and no key server is ever asked: gpg
// fetches keys only with auto-key-retrieve, which is off.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);
const GPG_CONF = "trust-model always\nno-autostart\nno-auto-key-retrieve\n";

/** Keyrings made in this process: home → the key file's stat stamp and hash when it was made. */
const made = new Map<string, { stamp: string; hash: string }>();

/** Changes whenever the file is written or replaced (ctime in ns, inode, size): no read needed for each commit checked. */
async function stampOf(file: string): Promise<string> {
  const st = await stat(file, { bigint: true });
  return `${st.ino}:${st.size}:${st.ctimeNs}:${st.mtimeNs}`;
}

/**
 * The GNUPGHOME holding exactly the keys in `file`, made again when the file changes (a removed
 * key must stop counting, so the keyring is rebuilt, never added to). Throws when the file cannot
 * be read or gpg imports nothing from it: no key is trusted then.
 */
export async function openpgpHome(gitDir: string, file: string): Promise<string> {
  const home = join(gitDir, "herald", "gnupg");
  const stamp = await stampOf(file);
  if (made.get(home)?.stamp === stamp) return home;
  const text = await readFile(file);
  const hash = createHash("sha256").update(text).digest("hex");
  const stampFile = join(home, "herald-keys.sha256");
  if (made.get(home)?.hash === hash || (await readFile(stampFile, "utf8").catch(() => "")) === hash) {
    made.set(home, { stamp, hash });
    return home;
  }
  await rm(home, { recursive: true, force: true });
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFile(join(home, "gpg.conf"), GPG_CONF);
  const r = await execFileP("gpg", ["--homedir", home, "--batch", "--no-tty", "--status-fd", "1", "--import", file], { timeout: 30_000 }).catch((e: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`gpg cannot import ${file}: ${(e.stderr || e.message).trim().split("\n").pop()}`);
  });
  // IMPORT_OK per key (gpg's doc/DETAILS); none means the file holds no public key.
  if (!/\bIMPORT_OK\b/.test(r.stdout)) throw new Error(`${file} holds no OpenPGP public key (expected the output of gpg --export --armor KEY)`);
  await writeFile(stampFile, hash);
  made.set(home, { stamp, hash });
  return home;
}
