// Certificates for test servers as a deployment has them: a CA made once per test process, and a
// server certificate it signs for each server (names: the domain, pubsub.<domain>, 127.0.0.1).
// Clients trust the CA the way a user would (herald.tlsCa), never by switching verification off.
// EC P-256 keys: a CA and a certificate cost ~20 ms of openssl, not RSA's ~100 ms each.
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);
const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export interface TestCa { dir: string; certFile: string; keyFile: string }

/** A CA of its own in `dir` (also for tests that need one the server did not use). */
export async function makeCa(dir: string, name = `Herald test CA ${process.pid}`): Promise<TestCa> {
  const certFile = join(dir, "ca.crt"), keyFile = join(dir, "ca.key");
  await execFileP("openssl", ["req", "-x509", ...EC, "-days", "2", "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout", keyFile, "-out", certFile]);
  return { dir, certFile, keyFile };
}

let processCa: Promise<TestCa> | undefined;

/** This process's CA, made on first use and removed when the process exits. */
export function testCa(): Promise<TestCa> {
  processCa ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "herald-ca-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    return makeCa(dir);
  })();
  return processCa;
}

export interface ServerCertificate { caFile: string; certFile: string; keyFile: string }

/**
 * `<dir>/<name>.crt` and `.key`, signed by this process's CA, for `names` (DNS) and 127.0.0.1, and
 * `<dir>/ca.pem`, the CA to trust.
 */
export async function makeServerCertificate(dir: string, name: string, names: readonly string[]): Promise<ServerCertificate> {
  const ca = await testCa();
  const keyFile = join(dir, `${name}.key`), certFile = join(dir, `${name}.crt`), csr = join(dir, `${name}.csr`), ext = join(dir, `${name}.ext`);
  await execFileP("openssl", ["req", "-new", ...EC, "-subj", `/CN=${names[0]}`, "-keyout", keyFile, "-out", csr]);
  await writeFile(ext, `subjectAltName=${[...names.map((n) => `DNS:${n}`), "IP:127.0.0.1"].join(",")}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  const serial = `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
  await execFileP("openssl", ["x509", "-req", "-in", csr, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-set_serial", serial, "-days", "2", "-extfile", ext, "-out", certFile]);
  const caFile = join(dir, "ca.pem");
  await copyFile(ca.certFile, caFile);
  return { caFile, certFile, keyFile };
}

/** Certificate and key in one PEM (ejabberd's certfiles). */
export async function combinedPem(c: ServerCertificate, out: string): Promise<void> {
  await writeFile(out, `${await readFile(c.certFile, "utf8")}${await readFile(c.keyFile, "utf8")}`, { mode: 0o600 });
}
