import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../log.js";
import { addRepo, formatRepoList, parseRepoList, readRepoList, removeRepo, RepoListWatcher, withRepoAdded, withRepoRemoved } from "./repo-list.js";

describe("parseRepoList", () => {
  it("reads one absolute path per line, skipping blanks and comments", () => {
    expect(parseRepoList("# my clones\n/home/me/notes\n\n  /srv/git/site  \n#/old/one\n")).toEqual({ paths: ["/home/me/notes", "/srv/git/site"], problems: [] });
  });
  it("collapses duplicates, however they are spelled, keeping the first position", () => {
    expect(parseRepoList("/a/b\n/c\n/a/b/\n/a//b\n/a/./b\r\n").paths).toEqual(["/a/b", "/c"]);
  });
  it("reports relative paths by line and keeps the rest", () => {
    expect(parseRepoList("/ok\nnotes\n~/x\n")).toEqual({
      paths: ["/ok"],
      problems: ['line 2: "notes" is not an absolute path', 'line 3: "~/x" is not an absolute path'],
    });
  });
  it("keeps / as /", () => {
    expect(parseRepoList("/\n").paths).toEqual(["/"]);
  });
  it("round-trips through formatRepoList", () => {
    const paths = ["/a", "/b c/d"];
    expect(formatRepoList(paths)).toBe("/a\n/b c/d\n");
    expect(parseRepoList(formatRepoList(paths)).paths).toEqual(paths);
    expect(formatRepoList([])).toBe("");
  });
});

describe("withRepoAdded / withRepoRemoved", () => {
  const text = "# laptop\n/home/me/notes\n\n/srv/site/\n";
  it("appends a new path and keeps comments", () => {
    expect(withRepoAdded(text, "/x")).toBe(`${text}/x\n`);
    expect(withRepoAdded("/a", "/x/")).toBe("/a\n/x\n");
    expect(withRepoAdded("", "/x")).toBe("/x\n");
  });
  it("says null when the path is already there in any spelling", () => {
    expect(withRepoAdded(text, "/srv/site")).toBeNull();
  });
  it("removes every line naming the path and nothing else", () => {
    expect(withRepoRemoved(`${text}/srv//site\n`, "/srv/site")).toBe("# laptop\n/home/me/notes\n\n");
    expect(withRepoRemoved(text, "/home/me")).toBeNull();
    expect(withRepoRemoved("#/srv/site\n", "/srv/site")).toBeNull();
  });
  it("refuses a relative path", () => {
    expect(() => withRepoAdded(text, "notes")).toThrow("notes is not an absolute path");
  });
});

describe("the list on disk", () => {
  let dir: string, file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "herald-repos-"));
    file = join(dir, "herald", "repos");
  });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it("is empty when missing; add and remove say whether they changed it", async () => {
    expect(await readRepoList(file)).toEqual({ paths: [], problems: [] });
    expect(await addRepo(file, "/a")).toBe(true);
    expect(await addRepo(file, "/a")).toBe(false);
    expect(await addRepo(file, "/b")).toBe(true);
    expect(await readFile(file, "utf8")).toBe("/a\n/b\n");
    expect(await removeRepo(file, "/a")).toBe(true);
    expect(await removeRepo(file, "/a")).toBe(false);
    expect((await readRepoList(file)).paths).toEqual(["/b"]);
  });

  it("loses nothing when many adds run at once, and leaves no temporary files", async () => {
    const dirs = Array.from({ length: 12 }, (_, i) => `/clone/${i}`);
    expect(await Promise.all(dirs.map((d) => addRepo(file, d)))).toEqual(dirs.map(() => true));
    expect((await readRepoList(file)).paths.sort()).toEqual([...dirs].sort());
    expect(await readdir(join(dir, "herald"))).toEqual(["repos"]);
  });
});

describe("RepoListWatcher", () => {
  let dir: string, file: string, watcher: RepoListWatcher | null;
  let seen: string[][];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "herald-watch-"));
    file = join(dir, "herald", "repos");
    seen = [];
  });
  afterEach(async () => {
    watcher?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Resolves with the next report, or rejects after `ms`. */
  const next = (count: number, ms = 2000) => new Promise<string[]>((resolve, reject) => {
    const start = Date.now();
    const poll = setInterval(() => {
      if (seen.length >= count) { clearInterval(poll); resolve(seen[count - 1]!); }
      else if (Date.now() - start > ms) { clearInterval(poll); reject(new Error(`no report #${count} in ${ms} ms; saw ${JSON.stringify(seen)}`)); }
    }, 10);
  });
  const quiet = (ms = 400) => new Promise((r) => setTimeout(r, ms));

  async function startWatcher(): Promise<void> {
    watcher = new RepoListWatcher(file, (paths) => seen.push(paths), silentLogger);
    await watcher.start();
  }

  it("creates the directory and reports the list it starts with", async () => {
    await startWatcher();
    expect(seen).toEqual([[]]);
  });

  it("reports adds and removes made by addRepo and removeRepo", async () => {
    await addRepo(file, "/a");
    await startWatcher();
    expect(seen).toEqual([["/a"]]);
    await addRepo(file, "/b");
    expect(await next(2)).toEqual(["/a", "/b"]);
    await removeRepo(file, "/a");
    expect(await next(3)).toEqual(["/b"]);
  });

  it("reports a list written in place by an editor", async () => {
    await startWatcher();
    await writeFile(file, "/x\n/y\n");
    expect(await next(2)).toEqual(["/x", "/y"]);
    await writeFile(file, "/y\n");
    expect(await next(3)).toEqual(["/y"]);
  });

  it("stays quiet when the file is rewritten with the same paths", async () => {
    await addRepo(file, "/a");
    await startWatcher();
    await writeFile(file, "# just a comment now\n/a/\n");
    await quiet();
    expect(seen).toEqual([["/a"]]);
    await addRepo(file, "/b"); // and it still hears a real change afterwards
    expect(await next(2)).toEqual(["/a", "/b"]);
  });

  it("gathers a burst of writes into fewer reports, ending with the last list", async () => {
    await startWatcher();
    for (let i = 1; i <= 8; i++) await writeFile(file, formatRepoList(Array.from({ length: i }, (_, j) => `/r${j}`)));
    await next(2);
    await quiet();
    expect(seen.length).toBeLessThan(1 + 8);
    expect(seen.at(-1)).toHaveLength(8);
  });

  it("hears nothing after stop", async () => {
    await startWatcher();
    watcher!.stop();
    await addRepo(file, "/a");
    await quiet();
    expect(seen).toEqual([[]]);
  });
});
