// What `herald init` does (the command's options are in commands/init.ts): complete the values,
// validate them as the agent will, check the login, then write git config.
import { mkdir, readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { ArgumentsCamelCase } from "yargs";
import { GitRepo, machineConfigFile, readConfigEntries, readMachineEntries, type AgentConfig } from "@herald/agent";
import { isRepoId, pubsubNodeName } from "@herald/protocol";
import { CliError } from "../cli-error.js";
import { gitOk } from "../run-git.js";
import type { GlobalArgs } from "../global-args.js";
import { checkLogin, defaultService } from "./check.js";
import { Prompter } from "./prompt.js";
import { configCommands, current, shellQuote, validate, type Entry, type InitValues } from "./settings.js";
import { checkSigningKey, offerSigning, signingCommands, signingHint } from "./signing.js";

export interface InitArgs extends GlobalArgs {
  repo?: string; jid?: string; passwordFile?: string; service?: string; pubsub?: string; tlsCa?: string; node?: string;
  peer?: string[]; admin?: string[]; dryRun?: boolean; check: boolean; machine?: boolean; verify?: string; allowedSigners?: string; allowedOpenpgpKeys?: string; signingKey?: string;
}

/** The values given on the command line, as InitValues (peers and admins deduplicated). */
function given(a: InitArgs): InitValues {
  const uniq = (l?: string[]) => (l ? [...new Set(l.map(String))] : undefined);
  const v: InitValues = { jid: a.jid, passwordFile: a.passwordFile, service: a.service, pubsub: a.pubsub, tlsCa: a.tlsCa, node: a.node, peers: uniq(a.peer), admins: uniq(a.admin), verify: a.verify, allowedSigners: a.allowedSigners, allowedOpenpgpKeys: a.allowedOpenpgpKeys };
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as InitValues;
}

/**
 * Fills in what is missing: asks at a terminal; otherwise names the missing flags (exit 2). For a
 * clone (`repo`) that does not sign its commits, a terminal session that asked anything, or that
 * sets herald.verify=signed, also offers signing: the key chosen comes back in `signingKey`. (All
 * flags given and no verify: no questions, as before.)
 */
async function complete(v: InitValues, entries: Entry[], repo?: GitRepo): Promise<InitValues & { signingKey?: string }> {
  const needJid = !v.jid && !current(entries, "jid");
  const needPw = !v.passwordFile && !current(entries, "passwordFile") && !process.env.HERALD_PASSWORD;
  if (!process.stdin.isTTY) {
    const missing = [needJid ? "--jid" : "", needPw ? "--password-file" : ""].filter(Boolean);
    if (missing.length) throw new CliError(`missing ${missing.join(" and ")}; stdin is not a terminal, so herald init cannot ask (give them as flags)`);
    return v;
  }
  const p = new Prompter();
  try {
    const out = { ...v };
    if (needJid) out.jid = await p.require("XMPP account for this clone's agent (user@domain)");
    if (needPw) out.passwordFile = await p.require("File holding its password (not the password itself)");
    const domain = (out.jid ?? current(entries, "jid") ?? "").split("@")[1];
    if (!out.service && !current(entries, "service") && domain) {
      const dflt = `xmpp://${domain}:5222`;
      const s = await p.ask("Server address", dflt);
      if (s !== dflt) out.service = s;
    }
    if (!out.peers && !current(entries, "peers")) {
      const peers = (await p.ask("Accounts of the agents on your other clones (space-separated; Enter for none yet)"))?.split(/[\s,]+/).filter(Boolean);
      if (peers?.length) out.peers = peers;
    }
    const verifies = (out.verify ?? current(entries, "verify"))?.toLowerCase() === "signed";
    const signingKey = repo && (p.asked || verifies) ? await offerSigning(p, repo) : undefined;
    return signingKey ? { ...out, signingKey } : out;
  } finally {
    p.close();
  }
}

async function readPassword(file: string | undefined): Promise<string> {
  const pw = file ? (await readFile(file, "utf8")).replace(/\r?\n$/, "") : process.env.HERALD_PASSWORD ?? "";
  if (!pw) throw new CliError(`${file ? `${file} is empty` : "HERALD_PASSWORD is empty"}: no password to log in with`, "CONFIG");
  return pw;
}

/** Logs in and queries pubsub as the agent will (skipped with --no-check). */
async function check(config: AgentConfig, node: string, machineTlsCa?: string): Promise<string> {
  const jid = config.jid!, domain = jid.split("@")[1]!;
  const given = config.services[0];
  const { service, derived } = given ? { service: given, derived: undefined } : await defaultService(domain);
  // A clone without a herald.tlsCa of its own trusts the machine's, as the agent will.
  const tlsCa = config.tlsCa ?? machineTlsCa;
  await checkLogin({
    jid, service, password: await readPassword(config.passwordFile), pubsub: config.pubsub ?? `pubsub.${domain}`, node, allowInsecure: config.allowInsecure,
    ...(derived ? { derived } : {}),
    ...(tlsCa ? { tlsCa } : {}),
  });
  return service;
}

/** --machine: the same values, validation and git config commands, aimed at the machine file. */
async function initMachine(args: ArgumentsCamelCase<InitArgs>): Promise<void> {
  const file = machineConfigFile(process.env);
  const entries = await readMachineEntries(file);
  // validate() reads only the clone's path (for the default node id, which a machine file never
  // sets), so the config directory stands in for a clone here.
  const where = { dir: dirname(file) } as unknown as GitRepo;
  const { values, config } = await validate(where, entries, await complete(given(args), entries));
  const commands = configCommands(values).map(([config, ...rest]) => [config!, "-f", file, ...rest]);
  if (args.dryRun) {
    const lines = commands.map((c) => `  git ${c.map(shellQuote).join(" ")}`);
    process.stdout.write(lines.length ? `would run:\n${lines.join("\n")}\n` : "nothing to write: no settings given\n");
    return;
  }
  const service = args.check ? await check(config, "herald/init-check") : null;
  await mkdir(dirname(file), { recursive: true });
  for (const c of commands) await gitOk(c, { cwd: "/" });
  process.stdout.write([
    `machine settings written to ${file}: account ${config.jid}${service ? ` (logged in to ${service})` : " (not checked)"}`,
    config.peers.length ? `trusted peers: ${config.peers.join(", ")}` : "no peers yet: announcements from other machines are ignored until you add them",
    "every clone on the daemon's list uses them, unless its own git config says otherwise; next:",
    "  herald add DIR     sync a clone with these settings",
  ].join("\n") + "\n");
}

export async function init(args: ArgumentsCamelCase<InitArgs>): Promise<void> {
  if (args.machine) return initMachine(args);
  if (args.repo === "") throw new CliError("--repo needs a directory");
  const repo = await GitRepo.open(resolve(args.repo ?? process.cwd())); // NOT_A_REPO → exit 2
  const entries = await readConfigEntries(repo);
  const givenKey = args.signingKey !== undefined ? await checkSigningKey(args.signingKey) : undefined;
  const { signingKey = givenKey, ...answered } = await complete(given(args), entries, givenKey ? undefined : repo);
  const { values, config } = await validate(repo, entries, answered);
  const commands = [...configCommands(values), ...(signingKey ? signingCommands(signingKey) : [])];
  if (args.dryRun) {
    const lines = commands.map((c) => `  git ${c.map(shellQuote).join(" ")}`);
    process.stdout.write(lines.length ? `would run in ${repo.dir}:\n${lines.join("\n")}\n` : "nothing to write: no settings given\n");
    return;
  }
  const jid = config.jid!;
  let service: string | null = null;
  if (args.check) {
    const repoId = config.repo ?? (await repo.rootCommit());
    const machineTlsCa = (await readMachineEntries(machineConfigFile(process.env)).catch(() => [])).filter(([k]) => k === "herald.tlsca").pop()?.[1];
    service = await check(config, repoId && isRepoId(repoId) ? pubsubNodeName(repoId) : "herald/init-check", machineTlsCa);
  }
  for (const c of commands) await repo.run(c);
  const here = shellQuote(repo.dir);
  process.stdout.write([
    `herald is set up in ${repo.dir}: node ${config.node}, account ${jid}${service ? ` (logged in to ${service})` : " (not checked)"}`,
    config.peers.length ? `trusted peers: ${config.peers.join(", ")}` : "no peers yet: announcements from other clones are ignored until you add them",
    "next:",
    `  herald agent --repo ${here}     start syncing (Ctrl-C stops it)`,
    `  on each other machine:  herald init --jid THEIR-ACCOUNT --peer ${jid}`,
    ...(config.peers.length ? [] : [`  and here:  herald init --repo ${here} --peer THEIR-ACCOUNT   (one --peer each; it replaces the list)`]),
    ...(await signingHint(repo, config, here)),
  ].join("\n") + "\n");
}
