// Two daemons, as on two machines: each with its own config and runtime directories (its own
// list, machine settings and socket) and its own account, serving clones of the same three
// repositories. Every repository syncs through announcements alone and through ref watching
// alone; the list is followed while running; one repository's trouble leaves the others alone.
import { addRepo, createLogger, Daemon, removeRepo, reposFile, type LogRecord } from "@herald/agent";
import { commitFile, git, head, makeSandbox, startXmppServer, waitFor, type Sandbox, type XmppServer } from "@herald/testkit";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pubsubNodeName } from "@herald/protocol";
import { asUser } from "./helpers.js";
import { sleep } from "./fixtures.js";

interface Host { env: Record<string, string>; root: string; records: LogRecord[]; daemon: Daemon | null }

/** A machine's directories and settings (`settings`: git config keys for its machine file). */
async function host(settings: Record<string, string | string[]>): Promise<Host> {
  const root = await mkdtemp(join(tmpdir(), "herald-host-"));
  const config = join(root, "config");
  const env: Record<string, string> = { XDG_CONFIG_HOME: config, XDG_RUNTIME_DIR: join(root, "run"), XDG_STATE_HOME: join(root, "state") };
  const file = join(config, "herald", "config");
  await mkdir(dirname(file), { recursive: true });
  await git(root, "config", "-f", file, "herald.retryInterval", "30m");
  for (const [k, v] of Object.entries(settings)) for (const one of [v].flat()) await git(root, "config", "-f", file, "--add", k, one);
  return { env, root, records: [], daemon: null };
}

async function startDaemon(h: Host): Promise<void> {
  const log = createLogger([(r) => h.records.push(r), ...(process.env.HERALD_TEST_LOG ? [(r: LogRecord) => console.log(JSON.stringify(r))] : [])], "debug");
  h.daemon = await Daemon.start({ env: h.env, log });
}

const serve = (h: Host, dir: string) => addRepo(reposFile(h.env), dir);
const sees = (h: Host, event: string, fields: Record<string, unknown>) => h.records.some((r) => r.event === event && Object.entries(fields).every(([k, v]) => r[k] === v));

/** Whether `user`'s bare JID is subscribed to `node` (XEP-0060 §5.6, asked as that user). */
async function subscribed(server: XmppServer, user: string, node: string): Promise<boolean> {
  let found = false;
  await asUser(server, node, user, async (s) => {
    const res = await s.request(xml("iq", { type: "get", to: server.pubsub }, xml("pubsub", { xmlns: "http://jabber.org/protocol/pubsub" }, xml("subscriptions", { node }))));
    const subs = res.getChild("pubsub")?.getChild("subscriptions")?.getChildren("subscription") ?? [];
    found = subs.some((x) => (x.attrs.node ?? node) === node && x.attrs.subscription === "subscribed");
  });
  return found;
}

/** Send chat messages as `user` to `to`, one at a time, and return the replies. */
async function chat(server: XmppServer, user: string, to: string, bodies: string[]): Promise<string[]> {
  const replies: string[] = [];
  await asUser(server, "unused", user, async (s) => {
    for (const body of bodies) {
      const reply = new Promise<string>((resolve) => {
        const on = (st: Element) => {
          const text = st.is("message") ? st.getChildText("body") : null;
          if (text !== null) { s.off("stanza", on); resolve(text); }
        };
        s.on("stanza", on);
      });
      await s.send(xml("message", { type: "chat", to }, xml("body", {}, body)));
      replies.push(await reply);
    }
  });
  return replies;
}

describe("one daemon per machine, many repositories", () => {
  let hosts: Host[] = [];
  let sandboxes: Sandbox[] = [];
  afterEach(async () => {
    await Promise.all(hosts.map((h) => h.daemon?.stop()));
    await Promise.all([...hosts.map((h) => rm(h.root, { recursive: true, force: true })), ...sandboxes.map((s) => s.cleanup())]);
    hosts = [];
    sandboxes = [];
  });

  describe("over XMPP", () => {
    let server: XmppServer;
    beforeAll(async () => { server = await startXmppServer({ accounts: ["d1", "d2", "me"] }); });
    afterAll(async () => { await server?.stop(); });

    it("announcements alone carry each repository's commits; the list is followed while running", async () => {
      // x pushes only to the repository's bare hub; y hears the announcement and fetches from it.
      // Made in the same second, the three seeds share one root commit: name the repositories.
      sandboxes = await Promise.all([0, 1, 2].map((i) => makeSandbox(["x", "y"], [], { bares: ["hub"], config: { "herald.repo": `repo${i}-${process.pid}` } })));
      const machine = async (user: string, peer: string) => {
        const pw = join(tmpdir(), `herald-pw-${user}-${process.pid}`);
        await writeFile(pw, `${user}-pw\n`);
        return host({ "herald.jid": `${user}@${server.domain}`, "herald.passwordFile": pw, "herald.service": server.service, "herald.pubsub": server.pubsub, "herald.tlsCa": server.caFile!, "herald.peer": `${peer}@${server.domain}` });
      };
      const [d1, d2] = hosts = [await machine("d1", "d2"), await machine("d2", "d1")];
      await git(d2!.root, "config", "-f", join(d2!.env.XDG_CONFIG_HOME!, "herald", "config"), "herald.admin", `me@${server.domain}`);
      for (const sb of sandboxes.slice(0, 2)) await serve(d1!, sb.clones.x!);
      for (const sb of sandboxes) await serve(d2!, sb.clones.y!);
      await Promise.all(hosts.map(startDaemon));
      const online = (h: Host, n: number) => waitFor(async () => h.records.filter((r) => r.event === "xmpp-online").length >= n, 15_000, `${n} repositories online`);
      await online(d1!, 2);
      await online(d2!, 3);
      // One login per daemon, however many repositories.
      expect(d1!.daemon!.machine.hub.sessions).toHaveLength(1);
      expect(d2!.daemon!.machine.hub.sessions).toHaveLength(1);

      for (const sb of sandboxes.slice(0, 2)) {
        const sha = await commitFile(sb.clones.x!, "from-x.txt", `${sb.root}\n`);
        await waitFor(async () => (await head(sb.clones.y!)) === sha, 15_000, "x's commit on y");
        // The record follows the fetch; ref watching may merge the fetched commit before it is written.
        await waitFor(async () => sees(d2!, "fetched-announced", { sha, repo: sb.clones.y }), 5_000, "y's record of the fetch the announcement caused");
      }

      // A person asks the machine: status answers for every repository, one line each; a name
      // that fits several says so.
      const [status, pause] = await chat(server, "me", `d2@${server.domain}`, ["status", "pause y"]);
      expect(status!.split("\n")).toHaveLength(3);
      for (const line of status!.split("\n")) expect(line).toMatch(/^y: main at [0-9a-f]{10}, 1\/1 remotes in sync, xmpp online$/);
      expect(pause).toMatch(/^y is ambiguous: /);

      // Added while running: served at once, no restart.
      const late = sandboxes[2]!;
      await serve(d1!, late.clones.x!);
      await online(d1!, 3);
      const sha3 = await commitFile(late.clones.x!, "late.txt", "late\n");
      await waitFor(async () => (await head(late.clones.y!)) === sha3, 15_000, "the added repository's commit on y");

      // Removed while running: no more syncing, and its subscription is gone from the server.
      const gone = sandboxes[0]!;
      const node = pubsubNodeName(`repo0-${process.pid}`);
      expect(await subscribed(server, "d2", node)).toBe(true);
      await removeRepo(reposFile(d2!.env), gone.clones.y!);
      await waitFor(async () => sees(d2!, "repo-removed", { repo: gone.clones.y }), 10_000, "the repository to be dropped");
      expect(await subscribed(server, "d2", node)).toBe(false);
      const before = await head(gone.clones.y!);
      const ignored = await commitFile(gone.clones.x!, "after-remove.txt", "x\n");
      await waitFor(async () => sees(d1!, "announced", { sha: ignored }), 10_000, "x to announce");
      await sleep(1500);
      expect(await head(gone.clones.y!)).toBe(before);
      // The other repositories still sync.
      const sha2 = await commitFile(sandboxes[1]!.clones.x!, "still.txt", "still\n");
      await waitFor(async () => (await head(sandboxes[1]!.clones.y!)) === sha2, 15_000, "the others to keep syncing");
    });
  });

  it("without XMPP, ref watching alone carries each repository's commits; a vanished directory is that repository's error only", async () => {
    sandboxes = await Promise.all([0, 1, 2].map(() => makeSandbox(["x", "y"], [["x", "y"]])));
    const [d1, d2] = hosts = [await host({}), await host({})];
    for (const sb of sandboxes) { await serve(d1!, sb.clones.x!); await serve(d2!, sb.clones.y!); }
    await Promise.all(hosts.map(startDaemon));
    await waitFor(async () => (await d2!.daemon!.machine.statuses()).every((s) => s.head && !s.error), 10_000, "three repositories started");
    for (const sb of sandboxes) {
      const sha = await commitFile(sb.clones.x!, "from-x.txt", `${sb.root}\n`);
      await waitFor(async () => (await head(sb.clones.y!)) === sha, 15_000, "x's commit on y");
    }
    expect(d2!.records.some((r) => r.event === "fetched")).toBe(false); // pushed in, never fetched

    const lost = sandboxes[0]!.clones.y!;
    await rm(lost, { recursive: true, force: true });
    const status = await d2!.daemon!.machine.statuses();
    expect(status.find((s) => s.repo === lost)?.error).toMatch(/is gone/);
    expect(status.filter((s) => s.error)).toHaveLength(1);
    for (const sb of sandboxes.slice(1)) {
      const sha = await commitFile(sb.clones.x!, "after.txt", "after\n");
      await waitFor(async () => (await head(sb.clones.y!)) === sha, 15_000, "the other repositories to keep syncing");
    }
  });
});
