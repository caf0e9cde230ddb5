// `herald add`, `remove` and `list` as a user runs them, against a throwaway XDG_CONFIG_HOME:
// the list file is what the daemon reads, so the tests check the file as well as the output.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { herald, lines } from "./run-herald.js";

const execFileP = promisify(execFile);
const git = (args: string[]) => execFileP("git", args);

describe("herald add / remove / list", () => {
  let root: string, env: NodeJS.ProcessEnv, listFile: string;
  const run = (...args: string[]) => herald(args, { env, cwd: root });
  const clone = async (name: string) => {
    const dir = join(root, name);
    await git(["init", "-q", dir]);
    return dir;
  };
  const listed = async () => (await readFile(listFile, "utf8").catch(() => "")).split("\n").filter(Boolean);

  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), "herald-repos-cli-")));
    env = { XDG_CONFIG_HOME: join(root, "config"), HOME: join(root, "home") };
    listFile = join(root, "config", "herald", "repos");
  });
  afterEach(async () => { await rm(root, { recursive: true, force: true }); });

  it("adds a clone once, by its top directory with symlinks resolved", async () => {
    const notes = await clone("notes");
    await mkdir(join(notes, "sub"));
    await symlink(notes, join(root, "link"));
    const first = await run("add", join(root, "link", "sub"));
    expect(first).toMatchObject({ code: 0, stderr: "", stdout: `added ${notes} (the daemon picks it up at once)\n` });
    const again = await run("add", "notes");
    expect(again).toMatchObject({ code: 0, stderr: "", stdout: `${notes} is already on the list\n` });
    expect(await listed()).toEqual([notes]);
  });

  it("lists the clones, as text and as JSON, and marks a deleted one missing", async () => {
    const a = await clone("a"), b = await clone("b");
    await run("add", a);
    await run("add", b);
    expect(await run("list")).toMatchObject({ code: 0, stdout: `${a}\n${b}\n`, stderr: "" });
    await rm(b, { recursive: true });
    expect((await run("list")).stdout).toBe(`${a}\n${b} (missing)\n`);
    const json = await run("list", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([{ path: a, exists: true }, { path: b, exists: false }]);
  });

  it("lists nothing before the first add, and warns on stderr about a hand-written relative line", async () => {
    // stdout stays one path per line for scripts; the hint that the list is empty goes to stderr.
    expect(await run("list")).toMatchObject({ code: 0, stdout: "", stderr: expect.stringContaining("no repositories on the list") });
    await mkdir(join(root, "config", "herald"), { recursive: true });
    await writeFile(listFile, "# mine\nnotes\n/abs\n");
    const r = await run("list");
    expect(r.stdout).toBe("/abs (missing)\n");
    expect(lines(r.stderr)).toEqual([`herald: warning: ${listFile} line 2: "notes" is not an absolute path (ignored)`]);
  });

  it("removes a clone, also one whose directory is gone; removing it again fails (exit 1)", async () => {
    const a = await clone("a"), b = await clone("b");
    await run("add", a);
    await run("add", b);
    expect(await run("remove", a)).toMatchObject({ code: 0, stdout: `removed ${a}\n`, stderr: "" });
    await rm(b, { recursive: true });
    expect(await run("remove", "b")).toMatchObject({ code: 0, stdout: `removed ${b}\n` });
    expect(await listed()).toEqual([]);
    const again = await run("remove", a);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe("");
    expect(lines(again.stderr)).toEqual([`herald: ${a} is not on the list (see herald list)`]);
  });

  it("keeps comments a user wrote in the list when adding and removing", async () => {
    const a = await clone("a");
    await mkdir(join(root, "config", "herald"), { recursive: true });
    await writeFile(listFile, "# laptop clones\n/elsewhere\n");
    await run("add", a);
    await run("remove", "/elsewhere");
    expect(await readFile(listFile, "utf8")).toBe(`# laptop clones\n${a}\n`);
  });

  it.each([
    ["a plain directory", async (d: string) => { await mkdir(d); }, "is not in a git repository"],
    ["a bare repository", async (d: string) => { await git(["init", "-q", "--bare", d]); }, "is a bare repository; herald syncs clones that have a working tree"],
    ["a missing directory", async () => undefined, "does not exist"],
    ["a file", async (d: string) => { await writeFile(d, ""); }, "is not a directory"],
  ])("refuses %s in one line (exit 2) and lists nothing", async (_what, make, why) => {
    const dir = join(root, "target");
    await make(dir);
    const r = await run("add", dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toEqual([`herald: ${dir} ${why}`]);
    expect(await listed()).toEqual([]);
  });

  it("keeps every one of several adds run at the same time", async () => {
    const dirs = await Promise.all(["p", "q", "r", "s"].map(clone));
    // Hold the list's lock (proper-lockfile's protocol: a directory beside the file) while they
    // start, so they really meet at it rather than finishing one by one as they come up.
    await mkdir(join(root, "config", "herald"), { recursive: true });
    await mkdir(`${listFile}.lock`);
    const running = Promise.all(dirs.map((d) => run("add", d)));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await listed()).toEqual([]); // nobody wrote past the lock
    await rm(`${listFile}.lock`, { recursive: true });
    expect((await running).map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect((await listed()).sort()).toEqual([...dirs].sort());
  });

  it("shows the commands in --help", async () => {
    const r = await herald(["--help"]);
    for (const c of ["add <dir>", "remove <dir>", "list"]) expect(r.stdout).toContain(`herald ${c}`);
  });
});
