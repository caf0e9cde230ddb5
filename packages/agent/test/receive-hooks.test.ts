// A push into a git-annex clone on this machine skips that clone's receiving hooks only where
// they are git-annex's own post-receive (a no-op for what Herald pushes); any hook of the user's
// runs as git would run it. Real git and git-annex: the hook calls `git annex post-receive`,
// and a git-annex placed first on PATH records each time it is started.
import { git, gitAnnexInstalled, makeSandbox, type Sandbox } from "@herald/testkit";
import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile, appendFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANNEX_POST_RECEIVE, configMovesHooks, onlyAnnexPostReceive, ReceiveHooks, WITHOUT_HOOKS } from "../src/git/receive-hooks.js";

const annex = gitAnnexInstalled();
const noHooksPath = async () => false;

describe("which receiving hooks a push may skip (pure)", () => {
  it("git-annex's post-receive alone, byte for byte", () => {
    expect(onlyAnnexPostReceive(new Map([["post-receive", ANNEX_POST_RECEIVE]]))).toBe(true);
    expect(onlyAnnexPostReceive(new Map())).toBe(false); // nothing to skip
    expect(onlyAnnexPostReceive(new Map([["post-receive", ANNEX_POST_RECEIVE + "notify-send pushed\n"]]))).toBe(false);
    expect(onlyAnnexPostReceive(new Map([["post-receive", ANNEX_POST_RECEIVE], ["update", "#!/bin/sh\nexit 0\n"]]))).toBe(false);
  });

  it("a config that sets core.hooksPath or includes another could move them", () => {
    expect(configMovesHooks("[core]\n\tbare = false\n")).toBe(false);
    expect(configMovesHooks("[core]\n\thooksPath = /etc/hooks\n")).toBe(true);
    expect(configMovesHooks("[include]\n\tpath = ~/more.cfg\n")).toBe(true);
    expect(configMovesHooks("[includeIf \"gitdir:~/w/\"]\n\tpath = w.cfg\n")).toBe(true);
  });
});

(annex ? describe : describe.skip)("pushing into a git-annex clone (real git and git-annex)", () => {
  let sb: Sandbox;
  let fakeBin = "", c1 = "", c2 = "";
  const started = () => join(fakeBin, "started");
  /** A push from c1 into c2's refs/remotes/c1/main, with `options`; git-annex on PATH records its starts. */
  const push = async (options: string[]) => {
    await rm(started(), { force: true });
    const r = spawnSync("git", ["push", ...options, "--quiet", "c2", "HEAD:refs/remotes/c1/main"], { cwd: c1, encoding: "utf8", env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` } });
    if (r.status !== 0) throw new Error(r.stderr);
    return existsSync(started()) ? (await readFile(started(), "utf8")).trim().split("\n") : [];
  };
  const commit = async (n: string) => { await writeFile(join(c1, n), n); await git(c1, "add", n); await git(c1, "commit", "-qm", n); };

  beforeEach(async () => {
    sb = await makeSandbox(["c1", "c2"], [["c1", "c2"]]);
    [c1, c2] = [sb.clones.c1!, sb.clones.c2!];
    await git(c2, "annex", "init", "-q", "c2"); // installs its post-receive hook
    fakeBin = await mkdtemp(join(tmpdir(), "herald-fake-annex-"));
    await writeFile(join(fakeBin, "git-annex"), `#!/bin/sh\necho "$*" >> ${started()}\n`);
    await chmod(join(fakeBin, "git-annex"), 0o755);
  });
  afterEach(async () => { await sb.cleanup(); await rm(fakeBin, { recursive: true, force: true }); });

  it("runs no git-annex for its post-receive hook where that hook is all there is", async () => {
    await commit("a");
    expect(await push([])).toEqual(["post-receive --help", "post-receive"]); // what every push cost
    const hooks = new ReceiveHooks(c1, noHooksPath);
    const options = await hooks.pushOptions(c2);
    expect(options).toEqual([WITHOUT_HOOKS]);
    await commit("b");
    expect(await push(options)).toEqual([]);
    expect((await git(c2, "rev-parse", "refs/remotes/c1/main")).trim()).toBe((await git(c1, "rev-parse", "HEAD")).trim());
  });

  it("runs every hook where the user has one of their own, also one added after the first push", async () => {
    const hooks = new ReceiveHooks(c1, noHooksPath);
    expect(await hooks.pushOptions(c2)).toEqual([WITHOUT_HOOKS]);
    const mine = join(c2, ".git", "hooks", "post-update");
    await writeFile(mine, `#!/bin/sh\necho ran > ${join(fakeBin, "post-update-ran")}\n`);
    await chmod(mine, 0o755);
    const options = await hooks.pushOptions(c2);
    expect(options).toEqual([]);
    await commit("c");
    expect(await push(options)).toEqual(["post-receive --help", "post-receive"]);
    expect(existsSync(join(fakeBin, "post-update-ran"))).toBe(true);
  });

  it("runs them where git-annex's hook was edited, the clone's config sets core.hooksPath, or one set elsewhere may", async () => {
    const hooks = new ReceiveHooks(c1, noHooksPath);
    expect(await hooks.pushOptions(c2)).toEqual([WITHOUT_HOOKS]);
    const hook = join(c2, ".git", "hooks", "post-receive");
    await appendFile(hook, "logger pushed\n");
    expect(await hooks.pushOptions(c2)).toEqual([]);
    await writeFile(hook, ANNEX_POST_RECEIVE);
    expect(await hooks.pushOptions(c2)).toEqual([WITHOUT_HOOKS]);
    await git(c2, "config", "core.hooksPath", ".githooks");
    expect(await hooks.pushOptions(c2)).toEqual([]);
    await git(c2, "config", "--unset", "core.hooksPath");
    expect(await new ReceiveHooks(c1, async () => true).pushOptions(c2)).toEqual([]);
  });

  it("adds nothing for a clone without git-annex's hook (nothing to skip)", async () => {
    expect(await new ReceiveHooks(c2, noHooksPath).pushOptions(c1)).toEqual([]);
  });
});
