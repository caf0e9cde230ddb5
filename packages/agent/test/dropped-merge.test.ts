// A Herald merge that an agent has pushed and later left behind (`reset --keep` onto the same
// user commits merged in canonical order) must not block its later pushes: the peer that holds
// the old merge in refs/remotes/<agent>/<branch> would refuse every non-fast-forward update,
// and in a line that peer hears of nothing new again.
import { commitFile, git, head, makeSandbox, waitFor, type Sandbox } from "@herald/testkit";
import { startAgents, startOne, stopAll, type Running } from "./helpers.js";

const contains = async (dir: string, sha: string) => git(dir, "merge-base", "--is-ancestor", sha, "HEAD").then(() => true, () => false);

describe("an agent that leaves one of its pushed merges behind", () => {
  let sb: Sandbox;
  const agents: Running[] = [];
  afterEach(async () => {
    await stopAll(agents.splice(0));
    await sb?.cleanup();
  });

  it("still reaches the peer that holds the old merge (line b–a–c, no XMPP)", async () => {
    sb = await makeSandbox(["a", "b", "c"], [["a", "b"], ["a", "c"]]);
    const { a, b, c } = sb.clones as Record<"a" | "b" | "c", string>;
    const a1 = await commitFile(a, "a1.txt", "a1\n");
    const b1 = await commitFile(b, "b1.txt", "b1\n");
    // c1 must not sort last by id: then the merge of all three is not built on top of merge(a1, b1)
    // and `a` will leave merge(a1, b1) behind once it knows c1.
    let c1 = "";
    for (let i = 0; !c1 || c1 > [a1, b1].sort()[1]!; i++) {
      if (c1) await git(c, "reset", "-q", "--hard", "HEAD~1");
      c1 = await commitFile(c, "c1.txt", `c1 take ${i}\n`);
    }

    // a and b merge a1 and b1; a pushes that merge into c's refs/remotes/a/main (c's agent is off).
    agents.push(...Object.values(await startAgents({ a, b })));
    const m1 = await waitFor(async () => {
      const h = await head(a);
      return h !== a1 && h === (await head(b)) && (await git(c, "rev-parse", "-q", "--verify", "refs/remotes/a/main").catch(() => "")).trim() === h && h;
    }, 15_000, "merge(a1, b1) on a and b, and pushed to c");
    expect((await git(a, "rev-list", "--parents", "-n1", m1)).trim().split(" ").slice(1).sort()).toEqual([a1, b1].sort());

    // c's agent merges c1 with what a pushed; everyone moves to the merge of all three.
    agents.push(await startOne(c));
    const all = await waitFor(async () => {
      const heads = await Promise.all([a, b, c].map(head));
      return heads.every((h) => h === heads[0]) && (await contains(a, c1)) && heads[0];
    }, 20_000, "one HEAD with a1, b1 and c1 on a, b and c");
    expect(await contains(a, m1)).toBe(false); // a has indeed left its pushed merge behind

    // a's next commit must reach c.
    const a2 = await commitFile(a, "a2.txt", "a2\n");
    await waitFor(async () => (await contains(c, a2)) && (await contains(b, a2)), 15_000, "a2 on c and b");
    expect(await contains(c, all)).toBe(true);
    // c's record of a: the merge it held is gone once merged; a user commit is kept.
    await Promise.all(agents.map((r) => r.agent.idle()));
    expect((await git(c, "rev-parse", "refs/remotes/a/main")).trim()).toBe(a2);
  });
});
