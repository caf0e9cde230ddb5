import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { parseConfig } from "../config.js";
import { ConfigError } from "../errors.js";
import { readTlsCa, trustContext } from "./tls-trust.js";

describe("herald.tlsCa", () => {
  const dir = mkdtempSync(join(tmpdir(), "herald-tlsca-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => { const f = join(dir, name); writeFileSync(f, text); return f; };

  it("reads every certificate of a PEM file, text around them allowed", () => {
    const f = file("two.pem", `# our CAs\n${rootCertificates[0]}\n${rootCertificates[1]}\n`);
    expect(readTlsCa(f)).toEqual([rootCertificates[0], rootCertificates[1]]);
  });

  it.each([
    ["a relative path", () => "ca.pem", 'expected an absolute path to a PEM file, got "ca.pem"'],
    ["a missing file", () => join(dir, "missing.pem"), `cannot read ${join(dir, "missing.pem")}: ENOENT`],
    ["a file with no certificate", () => file("key.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "holds no PEM certificate"],
    ["a certificate that does not parse", () => file("bad.pem", "-----BEGIN CERTIFICATE-----\nnot base64 der\n-----END CERTIFICATE-----\n"), "holds a certificate that does not parse"],
  ])("refuses %s, naming herald.tlsCa", (_what, path, message) => {
    expect(() => readTlsCa(path())).toThrow(ConfigError);
    expect(() => readTlsCa(path())).toThrow(`herald.tlsCa: `);
    expect(() => readTlsCa(path())).toThrow(message);
  });

  it("is an absolute path in the config, read by parseConfig as given", () => {
    expect(parseConfig([["herald.tlsca", "/etc/herald/ca.pem"]], "/clone").tlsCa).toBe("/etc/herald/ca.pem");
    expect(() => parseConfig([["herald.tlsca", "ca.pem"]], "/clone")).toThrow('herald.tlsCa: expected an absolute path to a PEM file, got "ca.pem"');
    expect(parseConfig([], "/clone").tlsCa).toBeUndefined();
  });

  it("adds to the system store, one secure context per set of CAs; none: Node's default", () => {
    expect(trustContext([])).toBeUndefined();
    const a = trustContext([rootCertificates[0]!]);
    expect(a).toBeDefined();
    expect(trustContext([rootCertificates[0]!])).toBe(a);
  });
});
