import { ConfigError } from "../errors.js";
import { parseConfig } from "../config.js";
import { mergeConfigEntries } from "../machine/machine-config.js";
import { claimsHeraldMerge, parseLog, parseVerifySettings, refusalText, signatureRefusal } from "./verify-policy.js";

const A = "a".repeat(40), B = "b".repeat(40), C = "c".repeat(40);

describe("parseVerifySettings", () => {
  it("is off by default, and needs an allowed signers file when signed", () => {
    expect(parseVerifySettings(undefined, undefined)).toEqual({ mode: "off", sshInProcess: true });
    expect(parseVerifySettings("Signed", "/etc/herald/signers")).toEqual({ mode: "signed", allowedSigners: "/etc/herald/signers", sshInProcess: true });
    // git's check would run another program, or consult a revocation list: it alone decides.
    expect(parseVerifySettings("signed", "/s", undefined, { program: "/usr/local/bin/ssh-keygen" }).sshInProcess).toBe(false);
    expect(parseVerifySettings("signed", "/s", undefined, { revocationFile: "/etc/revoked" }).sshInProcess).toBe(false);
    expect(parseVerifySettings("signed", "/s", undefined, { program: "ssh-keygen" }).sshInProcess).toBe(true);
    expect(() => parseVerifySettings("signed", undefined)).toThrow(/herald.allowedSigners.*no allowed signers file/);
    expect(parseVerifySettings("signed", undefined, "/etc/herald/keys.asc")).toEqual({ mode: "signed", allowedOpenpgpKeys: "/etc/herald/keys.asc", sshInProcess: true });
    expect(() => parseVerifySettings("signed", undefined, "keys.asc")).toThrow(/herald.allowedOpenpgpKeys: expected an absolute path/);
  });
  it("refuses a bad mode or a path that is not one absolute line, before it reaches git", () => {
    expect(() => parseVerifySettings("yes", undefined)).toThrow(ConfigError);
    expect(() => parseVerifySettings("yes", undefined)).toThrow(/herald.verify: expected off or signed, got "yes"/);
    for (const p of ["signers", "~/signers", "/a\nb", "/a\0b", "-c/x"]) {
      expect(() => parseVerifySettings("signed", p)).toThrow(/herald.allowedSigners: expected an absolute path/);
    }
  });
  it("is part of the clone's settings", () => {
    const c = parseConfig([["herald.verify", "signed"], ["herald.allowedsigners", "/home/me/.ssh/allowed_signers"]], "/home/me/notes");
    expect(c.verify).toEqual({ mode: "signed", allowedSigners: "/home/me/.ssh/allowed_signers", sshInProcess: true });
    expect(parseConfig([], "/home/me/notes").verify).toEqual({ mode: "off", sshInProcess: true });
    // A revocation list in the user's git config: git's own check alone decides.
    expect(parseConfig([["herald.verify", "signed"], ["herald.allowedsigners", "/s"], ["gpg.ssh.revocationfile", "/r"]], "/home/me/notes").verify.sshInProcess).toBe(false);
  });
  it("may be the machine's (one list of trusted keys for every clone), and a clone's own wins", () => {
    const machine: Array<[string, string]> = [["herald.verify", "signed"], ["herald.allowedsigners", "/home/me/.config/herald/allowed_signers"]];
    expect(parseConfig(mergeConfigEntries(machine, []), "/home/me/notes").verify).toEqual({ mode: "signed", allowedSigners: "/home/me/.config/herald/allowed_signers", sshInProcess: true });
    expect(parseConfig(mergeConfigEntries(machine, [["herald.verify", "off"]]), "/home/me/notes").verify.mode).toBe("off");
  });
});

describe("signatureRefusal", () => {
  it("passes only a good ssh signature", () => {
    expect(signatureRefusal("G", "SHA256:abc")).toBeNull();
    expect(signatureRefusal("G", "ABCDEF0123456789")?.reason).toBe("unknown-key"); // OpenPGP: the keyring, not the file
    expect(signatureRefusal("G", "ABCDEF0123456789", true)).toBeNull(); // checked against Herald's keyring of allowed keys
    expect(signatureRefusal("N", "")?.reason).toBe("unsigned");
    expect(signatureRefusal("U", "SHA256:abc")).toEqual({ reason: "unknown-key", detail: "signed with SHA256:abc that is not in herald.allowedSigners" });
    expect(signatureRefusal("B", "")?.reason).toBe("bad-signature");
    expect(signatureRefusal("R", "SHA256:abc")?.reason).toBe("bad-signature");
    for (const s of ["E", "X", "Y"]) expect(signatureRefusal(s, "")?.reason).toBe("unknown-key");
    expect(signatureRefusal("?", "")?.reason).toBe("bad-signature");
  });
});

describe("parseLog", () => {
  it("reads git log's NUL-separated records, merges by their identity", () => {
    const out = `${A}\0G\0SHA256:k\0Ann <ann@x.org>\0ann@x.org\0${C}\0\n${B}\0N\0\0Herald <herald@localhost>\0herald@localhost\0${A} ${C}\0\n`;
    const [a, b] = parseLog(out);
    expect(a).toEqual({ sha: A, status: "G", key: "SHA256:k", author: "Ann <ann@x.org>", email: "ann@x.org", parents: [C] });
    expect(b!.parents).toEqual([A, C]);
    expect(claimsHeraldMerge(a!)).toBe(false);
    expect(claimsHeraldMerge(b!)).toBe(true);
    expect(claimsHeraldMerge({ email: "herald@localhost", parents: [A] })).toBe(false); // one parent: a user commit, needs a signature
    expect(parseLog("")).toEqual([]);
  });
});

describe("refusalText", () => {
  it("names the ref, the commit, its author and why", () => {
    expect(refusalText({ ref: "refs/remotes/a/main", tip: A, commit: B, author: "Eve <eve@x.org>", reason: "unsigned", detail: "no signature", failing: 3 }))
      .toBe("refs/remotes/a/main at aaaaaaaaaa not merged: bbbbbbbbbb by Eve <eve@x.org>: unsigned (no signature); 2 more commits in it fail too");
  });
});
