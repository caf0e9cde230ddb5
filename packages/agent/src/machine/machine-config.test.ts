import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../config.js";
import { ConfigError } from "../errors.js";
import { MACHINE_KEYS, mergeConfigEntries, readMachineEntries, unknownMachineKeys, type ConfigEntry } from "./machine-config.js";

describe("mergeConfigEntries", () => {
  const machine: ConfigEntry[] = [
    ["herald.jid", "me@example.org"], ["herald.peer", "a@example.org"], ["herald.peer", "b@example.org"],
    ["herald.maxbytespersecond", "1M"], ["herald.node", "everywhere"], ["herald.autocommit", "true"], ["remote.o.url", "/x"],
  ];

  it("keeps machine keys only, and puts the clone's entries last", () => {
    expect(mergeConfigEntries(machine, [["herald.hook", "/bin/n"]])).toEqual([
      ["herald.jid", "me@example.org"], ["herald.peer", "a@example.org"], ["herald.peer", "b@example.org"],
      ["herald.maxbytespersecond", "1M"], ["herald.hook", "/bin/n"],
    ]);
  });

  it("lets a clone's list replace the machine's list as a whole", () => {
    const merged = mergeConfigEntries(machine, [["herald.peer", "c@example.org"]]);
    expect(merged.filter(([k]) => k === "herald.peer")).toEqual([["herald.peer", "c@example.org"]]);
    expect(parseConfig(merged, "/home/me/notes").peers).toEqual(["c@example.org"]);
  });

  it("lets a clone's single value win, as parseConfig reads it", () => {
    const c = parseConfig(mergeConfigEntries(machine, [["herald.jid", "clone@example.org"], ["herald.maxbytespersecond", "2M"]]), "/n");
    expect(c).toMatchObject({ jid: "clone@example.org", peers: ["a@example.org", "b@example.org"], limits: { bytesPerSecond: 2 * 1024 * 1024 } });
  });

  it("never takes a clone's identity or behaviour from the machine file", () => {
    const c = parseConfig(mergeConfigEntries(machine, []), "/home/me/notes");
    expect(c.node).not.toBe("everywhere");
    expect(c.autocommit).toBe(false);
    expect(c.remotes).toEqual([]);
  });
});

describe("unknownMachineKeys", () => {
  it("names each clone-only key once", () => {
    expect(unknownMachineKeys([["herald.node", "x"], ["herald.jid", "a@b"], ["herald.hook", "h"], ["herald.node", "y"]])).toEqual(["herald.node", "herald.hook"]);
    expect(unknownMachineKeys([...MACHINE_KEYS].map((k): ConfigEntry => [k, "v"]))).toEqual([]);
  });
});

describe("readMachineEntries", () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "herald-machine-")); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it("reads herald.* in file order, lowercased, with multi-values and bare booleans", async () => {
    const file = join(dir, "config");
    await writeFile(file, '[herald]\n\tjid = me@example.org\n\tpeer = a@example.org\n\tpeer = b@example.org\n\tallowInsecure\n\tpasswordFile = "/home/me/pw file"\n[remote "o"]\n\turl = /x\n');
    expect(await readMachineEntries(file)).toEqual([
      ["herald.jid", "me@example.org"], ["herald.peer", "a@example.org"], ["herald.peer", "b@example.org"],
      ["herald.allowinsecure", "true"], ["herald.passwordfile", "/home/me/pw file"],
    ]);
  });

  it("has no entries for a missing file or one without herald settings", async () => {
    expect(await readMachineEntries(join(dir, "absent"))).toEqual([]);
    const other = join(dir, "other");
    await writeFile(other, "[core]\n\tx = 1\n");
    expect(await readMachineEntries(other)).toEqual([]);
  });

  it("names the file and git's complaint for a malformed file", async () => {
    const bad = join(dir, "bad");
    await writeFile(bad, "[herald\n\tjid = x\n");
    const err = await readMachineEntries(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`${bad}: bad config line 1`);
  });

  it("does not take a directory for an empty file", async () => {
    const d = join(dir, "adir");
    await mkdir(d);
    await expect(readMachineEntries(d)).rejects.toThrow(`${d}: unable to access '${d}': Is a directory`);
  });
});
