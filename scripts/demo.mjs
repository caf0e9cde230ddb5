#!/usr/bin/env node
// The live show behind ./scripts/demo.sh, on one machine: a throwaway Prosody, three clones
// (laptop and desktop with agents, and a bare "server" repository), commits on different clones
// and one conflicting edit, printed as a timeline of who committed, pushed, announced and merged,
// with measured milliseconds; then `herald status` and `herald conflicts` as a person would run
// them. Exits 0 only if every step it shows really happened; cleans up everything it started.
import { Agent, createLogger } from "../packages/agent/dist/index.js";
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor } from "../packages/testkit/dist/index.js";
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const herald = fileURLToPath(new URL("../packages/cli/dist/bin.js", import.meta.url));
const NODES = ["laptop", "desktop"];
const SHOWN = new Set(["commit", "pushed", "announced", "fetched-announced", "merged", "xmpp-online"]);
const cleanups = [];
let mark = performance.now();
let failed = false;

function describe(r) {
  const sha = r.sha ? String(r.sha).slice(0, 7) : "";
  switch (r.event) {
    case "commit": return `noticed commit ${sha}`;
    case "pushed": return `pushed ${sha} to ${r.remote} (${r.ms} ms)`;
    case "announced": return `announced ${sha} on XMPP pubsub`;
    case "fetched-announced": return `heard ${r.announcer}'s announcement, fetched ${sha} from ${r.remote} (${r.ms} ms)`;
    case "merged": return `merged ${sha}${r.fastForward ? " (fast-forward)" : ""}${r.conflicts ? `, kept ${r.conflicts} conflicting file(s) as variants` : ""} (${r.ms} ms)`;
    case "xmpp-online": return `logged in to XMPP as ${r.jid}`;
  }
}

const say = (who, what) => console.log(`${String(Math.round(performance.now() - mark)).padStart(6)} ms  ${who.padEnd(8)} ${what}`);

async function step(title, fn) {
  console.log(`\n== ${title}`);
  mark = performance.now();
  await fn();
}

try {
  let server, sb;
  const agents = {};
  await step("A throwaway XMPP server (Prosody, loopback only) and three clones", async () => {
    server = await startXmppServer({ accounts: NODES });
    cleanups.push(() => server.stop());
    say("prosody", `listening on ${server.service}, pubsub at ${server.pubsub}`);
    sb = await makeSandbox(NODES, "mesh", { bares: ["server"] });
    cleanups.push(() => sb.cleanup());
    for (const n of NODES) {
      const dir = sb.clones[n];
      for (const [k, v] of [["herald.jid", `${n}@${server.domain}`], ["herald.service", server.service], ["herald.pubsub", server.pubsub], ["herald.tlsCa", server.caFile]]) await git(dir, "config", k, v);
      for (const p of NODES.filter((m) => m !== n)) await git(dir, "config", "--add", "herald.peer", `${p}@${server.domain}`);
    }
    say("demo", `laptop and desktop are clones of one repository; "server" is a bare repository both push to`);
  });

  await step("An agent beside each working clone", async () => {
    for (const n of NODES) {
      const log = createLogger([(r) => { if (SHOWN.has(r.event)) say(n, describe(r)); }], "info");
      agents[n] = await Agent.start({ repoDir: sb.clones[n], log, env: { HERALD_PASSWORD: `${n}-pw` } });
      cleanups.unshift(() => agents[n].stop());
    }
    await waitFor(async () => NODES.every((n) => agents[n].channel?.stats.online), 10_000, "both agents to log in");
    await Promise.all(Object.values(agents).map((a) => a.idle()));
  });

  for (const [who, other] of [["laptop", "desktop"], ["desktop", "laptop"]]) {
    await step(`A commit on the ${who} reaches the ${other} and the server`, async () => {
      const sha = await commitFile(sb.clones[who], `${who}.md`, `# written on the ${who}\n`, `${who}: notes`);
      say(who, `git commit ${sha.slice(0, 7)}`);
      await waitFor(async () => (await head(sb.clones[other])) === sha, 15_000, `the ${other} to have the commit`);
      say(other, `has ${sha.slice(0, 7)} in its working tree`);
      await waitFor(async () => (await git(sb.bare.server, "rev-parse", "main")).trim() === sha, 15_000, "the server to have the commit");
      say("server", `main is ${sha.slice(0, 7)}`);
      await Promise.all(Object.values(agents).map((a) => a.idle()));
    });
  }

  await step("The same file edited on both machines at the same moment: both versions are kept", async () => {
    await Promise.all([
      commitFile(sb.clones.laptop, "plan.txt", "laptop says: ship on Friday\n", "laptop: plan"),
      commitFile(sb.clones.desktop, "plan.txt", "desktop says: ship on Monday\n", "desktop: plan"),
    ]);
    say("both", "git commit plan.txt (different contents)");
    const same = async () => {
      const [a, b] = await Promise.all(NODES.map((n) => head(sb.clones[n])));
      return a === b ? a : null;
    };
    const sha = await waitFor(same, 20_000, "both clones to converge");
    await Promise.all(Object.values(agents).map((a) => a.idle()));
    const files = (await readdir(sb.clones.desktop)).filter((f) => f.startsWith("plan"));
    // One version keeps the name (the newer commit's), the other is a variant beside it.
    if (files.length !== 2 || !files.includes("plan.txt")) throw new Error(`expected plan.txt and one variant, found ${files.join(", ")}`);
    say("both", `converged on ${sha.slice(0, 7)}; no conflict markers; files: ${files.join(", ")}`);
  });

  await step("What a person sees: herald status and herald conflicts on the laptop", async () => {
    for (const args of [["status"], ["conflicts"]]) {
      const { stdout } = await run(process.execPath, [herald, ...args, "--repo", sb.clones.laptop]);
      console.log(`$ herald ${args.join(" ")}\n${stdout.trimEnd().replace(/^/gm, "  ")}`);
    }
  });
} catch (e) {
  failed = true;
  console.log(`\n   FAILED: ${e.message}`);
} finally {
  for (const c of cleanups) await c().catch(() => undefined);
}
console.log(failed ? "\ndemo FAILED" : "\ndemo finished: every step above really happened, and everything it started is stopped.");
process.exit(failed ? 1 : 0);
