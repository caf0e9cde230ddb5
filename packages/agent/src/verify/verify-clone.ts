// `herald verify`: what the policy would keep out of a clone now, without an agent. The same
// check the merger makes (verifier.ts), on every incoming tip of the checked-out branch.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseConfig, readConfigEntries } from "../config.js";
import { ConfigError, HeraldError } from "../errors.js";
import { GitRepo } from "../git/repo.js";
import { machineConfigFile } from "../machine/paths.js";
import { mergeConfigEntries, readMachineEntries } from "../machine/machine-config.js";
import { incomingTipRefs } from "../sync/merger.js";
import { checkTip } from "./verifier.js";
import type { Refusal, VerifySettings } from "./verify-policy.js";

export interface CloneVerification {
  repo: string;
  branch: string;
  head: string;
  settings: VerifySettings;
  /** every incoming tip of the branch: the ones that would be merged, and the refusals */
  trusted: Array<{ ref: string; tip: string }>;
  refused: Refusal[];
}

export async function verifyClone(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<CloneVerification> {
  const repo = await GitRepo.open(dir);
  try {
    const machine = await readMachineEntries(machineConfigFile(env)).catch(() => []);
    const settings = parseConfig(mergeConfigEntries(machine, await readConfigEntries(repo)), repo.dir).verify;
    // Off is checked as if signed (what turning it on would do), given a file to check against.
    if (!settings.allowedSigners && !settings.allowedOpenpgpKeys) throw new ConfigError("herald.allowedSigners", "not set: nothing to check signatures against (set it to an absolute path of an allowed signers file, or herald.allowedOpenpgpKeys to a file of OpenPGP public keys)");
    const { branch, sha: head } = await repo.headState();
    if (!branch || !head) throw new HeraldError("NOT_A_REPO", `${repo.dir}: no branch checked out (or no commit yet): nothing to check against`);
    await mkdir(join(repo.gitDir, "herald"), { recursive: true }); // a merge made again may need its private index there
    const trusted: CloneVerification["trusted"] = [], refused: Refusal[] = [];
    for (const [ref, tip] of incomingTipRefs(await repo.refs("refs/remotes/"), branch)) {
      const v = tip === head || (await repo.isAncestor(tip, head)) ? null : await checkTip(repo, { ...settings, mode: "signed" }, tip, head);
      if (v) refused.push({ ref, tip, ...v });
      else trusted.push({ ref, tip });
    }
    return { repo: repo.dir, branch, head, settings, trusted, refused };
  } finally {
    repo.close();
  }
}
