// Pure: the metadata of a merge commit that is a function of its parents alone, so two nodes
// that merge the same heads create the very same commit (same sha) and stop there instead of
// ping-ponging new merges forever. Parents in canonical (sorted) order, a fixed identity, and
// dates taken from the parents (the newest committer date), never from the clock.
import { HERALD_IDENTITY } from "./repo.js";

export interface ParentInfo { sha: string; committerTime: number /* unix seconds */ }

export interface MergeCommitSpec {
  parents: string[];
  message: string;
  env: Record<string, string>;
}

/** Whether a commit is a merge Herald made (here or on another clone): its identity, two or more
 * parents. The one rule every part that tells Herald's merges from the user's work asks. */
export function isHeraldMerge(c: { authorEmail: string; parents: readonly string[] }): boolean {
  return c.authorEmail === HERALD_IDENTITY.email && c.parents.length >= 2;
}

export function canonicalParents<T extends { sha: string }>(heads: T[]): T[] {
  return [...heads].sort((a, b) => (a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : 0));
}

export function mergeCommitSpec(a: ParentInfo, b: ParentInfo): MergeCommitSpec {
  const parents = canonicalParents([a, b]);
  const time = Math.max(a.committerTime, b.committerTime);
  const date = `${time} +0000`;
  return {
    parents: parents.map((p) => p.sha),
    message: `herald: merge ${parents.map((p) => p.sha.slice(0, 12)).join(" and ")}\n`,
    env: {
      GIT_AUTHOR_NAME: HERALD_IDENTITY.name, GIT_AUTHOR_EMAIL: HERALD_IDENTITY.email, GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: HERALD_IDENTITY.name, GIT_COMMITTER_EMAIL: HERALD_IDENTITY.email, GIT_COMMITTER_DATE: date,
    },
  };
}
