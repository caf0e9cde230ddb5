// A peer's record of us (refs/remotes/<us>/<branch> there) holding a commit our HEAD has left
// behind refuses our push as a non-fast-forward. That is no failure of the link: the pusher
// fetches the peer's branch and merges at once, and when the peer's branch has our head already
// nothing needs to go. Waiting for the retry queue's backoff instead cost a storm up to 30 s a
// refusal (npm run bench -- --only=storm). The record is never forced.
import { commitFile, git, head, makeSandbox, type Sandbox } from "@herald/testkit";
import { startOne, stopAll, type Running } from "./helpers.js";

describe("a push refused by a peer's stale record of us", () => {
  let sb: Sandbox;
  const agents: Running[] = [];
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await sb?.cleanup();
  });

  it("fetches and merges at once, and queues no retry when the peer has our head (pair, no XMPP)", async () => {
    sb = await makeSandbox(["a", "c"], "line");
    const { a, c } = sb.clones as Record<"a" | "c", string>;
    const a1 = await commitFile(a, "a1.txt", "a1\n");
    await git(c, "pull", "-q", "--ff-only", a, "main");
    // c's record of a holds a commit a's HEAD does not contain (as a merge a left behind would);
    // a has that commit too, so git refuses the push as a non-fast-forward, not "fetch first".
    const tree = (await git(a, "rev-parse", "HEAD^{tree}")).trim();
    const stale = (await git(a, "commit-tree", "-p", a1, "-m", "a commit left behind", tree)).trim();
    const body = await git(a, "cat-file", "commit", stale);
    expect(await gitStdin(c, ["hash-object", "-t", "commit", "-w", "--stdin"], body)).toBe(stale);
    await git(c, "update-ref", "refs/remotes/a/main", stale);

    // Only a's agent: c's would merge the record (and empty it) by itself.
    const run = await startOne(a);
    agents.push(run);
    await run.agent.idle();
    const status = await run.agent.status();
    expect(Object.keys(status.retries)).toEqual([]);
    expect(run.records.filter((r) => r.event === "push-failed")).toEqual([]);
    expect(run.records.some((r) => r.event === "push-unneeded" && r.remote === "c")).toBe(true);
    // Nothing forced: c's record still holds what it held; both HEADs are where they were.
    expect((await git(c, "rev-parse", "refs/remotes/a/main")).trim()).toBe(stale);
    expect(await head(a)).toBe(a1);
    expect(await head(c)).toBe(a1);
  });
});

async function gitStdin(dir: string, args: string[], input: string): Promise<string> {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const p = execFile("git", args, { cwd: dir }, (e, out) => (e ? reject(e) : resolve(out.trim())));
    p.stdin!.end(input);
  });
}
