import { chmod, chown, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { HeraldError } from "../errors.js";
import { configDir, controlSocketPath, daemonLogFile, ensurePrivateDir, machineConfigFile, reposFile, runtimeDir } from "./paths.js";

describe("machine paths", () => {
  it("follows XDG_CONFIG_HOME, else HOME/.config, else the account's home", () => {
    expect(configDir({ XDG_CONFIG_HOME: "/x/conf", HOME: "/home/me" })).toBe("/x/conf/herald");
    expect(configDir({ HOME: "/home/me" })).toBe("/home/me/.config/herald");
    expect(configDir({ XDG_CONFIG_HOME: "", HOME: "/home/me" })).toBe("/home/me/.config/herald");
    // The XDG spec: a relative value is invalid and ignored.
    expect(configDir({ XDG_CONFIG_HOME: "conf", HOME: "/home/me" })).toBe("/home/me/.config/herald");
    expect(configDir({})).toBe(join(homedir(), ".config", "herald"));
  });

  it("puts the list and the machine settings in the config directory", () => {
    expect(reposFile({ XDG_CONFIG_HOME: "/c" })).toBe("/c/herald/repos");
    expect(machineConfigFile({ XDG_CONFIG_HOME: "/c" })).toBe("/c/herald/config");
  });

  it("puts the socket in XDG_RUNTIME_DIR, or in a per-uid /tmp directory without one", () => {
    expect(runtimeDir({ XDG_RUNTIME_DIR: "/run/user/1000" }, 1000)).toBe("/run/user/1000/herald");
    expect(runtimeDir({}, 1000)).toBe("/tmp/herald-1000");
    expect(runtimeDir({ XDG_RUNTIME_DIR: "" }, 1001)).toBe("/tmp/herald-1001");
    expect(controlSocketPath({ XDG_RUNTIME_DIR: "/run/user/1000" }, 1000)).toBe("/run/user/1000/herald/control.sock");
    expect(controlSocketPath({}, 42)).toBe("/tmp/herald-42/control.sock");
  });

  it("keeps the daemon's log in XDG_STATE_HOME, else HOME/.local/state", () => {
    expect(daemonLogFile({ XDG_STATE_HOME: "/s", HOME: "/home/me" })).toBe("/s/herald/daemon.log");
    expect(daemonLogFile({ XDG_STATE_HOME: "rel", HOME: "/home/me" })).toBe("/home/me/.local/state/herald/daemon.log");
  });
});

describe("ensurePrivateDir", () => {
  let root: string;
  const uid = process.getuid!();
  beforeEach(async () => { root = await mkdtemp(join(tmpdir(), "herald-paths-")); });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  it("creates missing parents and leaves the directory 0700", async () => {
    const dir = join(root, "a", "b");
    await ensurePrivateDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it("tightens an existing directory of ours to 0700", async () => {
    const dir = join(root, "open");
    await ensurePrivateDir(dir);
    await chmod(dir, 0o777);
    await ensurePrivateDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it("refuses a directory another user owns, and leaves its mode alone", async () => {
    const dir = join(root, "squatted");
    await ensurePrivateDir(dir);
    await chmod(dir, 0o755);
    // Seen from another uid, this directory is someone else's.
    const err = await ensurePrivateDir(dir, uid + 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeraldError);
    expect(err).toMatchObject({ code: "UNSAFE_DIR", message: `${dir} belongs to uid ${uid}, not to this user (uid ${uid + 1}); refusing to use it` });
    expect((await stat(dir)).mode & 0o777).toBe(0o755);
  });

  it("refuses a symlink or a file in the directory's place", async () => {
    const link = join(root, "link");
    await symlink(root, link);
    await expect(ensurePrivateDir(link)).rejects.toMatchObject({ code: "UNSAFE_DIR" });
    const file = join(root, "file");
    await writeFile(file, "");
    await expect(ensurePrivateDir(file)).rejects.toMatchObject({ code: "UNSAFE_DIR", message: expect.stringContaining(`${file} is not a directory`) });
  });

  // Only root can give a directory away; elsewhere the test above covers the check.
  (uid === 0 ? it : it.skip)("refuses a directory chowned to another uid", async () => {
    const dir = join(root, "theirs");
    await ensurePrivateDir(dir);
    await chown(dir, 4242, 4242);
    await expect(ensurePrivateDir(dir)).rejects.toMatchObject({ code: "UNSAFE_DIR", message: expect.stringContaining("belongs to uid 4242") });
  });
});
