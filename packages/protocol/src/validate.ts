// Pure predicates and asserters for the values Herald passes to git and XMPP. The agent runs
// every ref, sha and node id through these before it reaches git's argv or a ref path.
import { InvalidFieldError } from "./errors.js";
import { isXmlChars, utf8ByteLength } from "./text.js";

export const MAX_REF_BYTES = 255;
export const MAX_ID_LENGTH = 64;

/** A full object name: SHA-1 (40) or SHA-256 (64) lowercase hex, as `git rev-parse` prints it. */
export function isSha(value: unknown): value is string {
  return typeof value === "string" && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

type Rule = readonly [broken: (ref: string) => boolean, reason: string];

// `git help check-ref-format`, rules numbered as there, then Herald's own. First match wins.
const REF_RULES: readonly Rule[] = [
  [(r) => r.startsWith("-"), "must not start with '-' (git would read it as an option)"],
  [(r) => utf8ByteLength(r) > MAX_REF_BYTES, `must be at most ${MAX_REF_BYTES} bytes`],
  [(r) => r === "@", "must not be the single character '@' (rule 9)"],
  [(r) => !r.includes("/"), "must contain a '/' (rule 2, no --allow-onelevel)"],
  [(r) => /[\x00-\x1f\x7f]/.test(r), "must not contain ASCII control characters or DEL (rule 4)"],
  [(r) => /[ ~^:]/.test(r), "must not contain space, '~', '^' or ':' (rule 4)"],
  [(r) => /[?*[]/.test(r), "must not contain '?', '*' or '[' (rule 5)"],
  [(r) => r.includes("\\"), "must not contain '\\' (rule 10)"],
  [(r) => r.includes(".."), "must not contain '..' (rule 3)"],
  [(r) => r.includes("@{"), "must not contain '@{' (rule 8)"],
  [(r) => r.startsWith("/") || r.endsWith("/") || r.includes("//"), "must not start or end with '/' or contain '//' (rule 6)"],
  [(r) => r.endsWith("."), "must not end with '.' (rule 7)"],
  [(r) => r.split("/").some((c) => c.startsWith(".")), "no component may start with '.' (rule 1)"],
  [(r) => r.split("/").some((c) => c.endsWith(".lock")), "no component may end with '.lock' (rule 1)"],
  // Not git's rule: such a name cannot travel in XML 1.0 or survive UTF-8 unchanged.
  [(r) => !isXmlChars(r), "must be valid Unicode text allowed in XML"],
];

/** Why `value` is not a valid ref name, or null when it is. */
export function refNameProblem(value: unknown): string | null {
  if (typeof value !== "string") return "must be a string";
  if (value.length === 0) return "must not be empty";
  if (value.length > MAX_REF_BYTES) return `must be at most ${MAX_REF_BYTES} bytes`; // cheap bound first
  for (const [broken, reason] of REF_RULES) if (broken(value)) return reason;
  return null;
}

export function isRefName(value: unknown): value is string {
  return refNameProblem(value) === null;
}

/** Why `value` is not a branch ref (`refs/heads/<name>`), or null when it is. */
export function branchRefProblem(value: unknown): string | null {
  const problem = refNameProblem(value);
  if (problem !== null) return problem;
  const ref = value as string;
  if (!ref.startsWith("refs/heads/")) return "must be a branch ref (refs/heads/...)";
  const branch = ref.slice("refs/heads/".length);
  // git's strbuf_check_branch_ref refuses both, so `git branch` could never have made them.
  if (branch.startsWith("-")) return "branch name must not start with '-'";
  if (branch === "HEAD") return "branch name must not be HEAD";
  return null;
}

export function isBranchRef(value: unknown): value is string {
  return branchRefProblem(value) === null;
}

/** Why `value` is not a node or repo id, or null when it is. */
export function idProblem(value: unknown): string | null {
  if (typeof value !== "string") return "must be a string";
  if (value.length < 1 || value.length > MAX_ID_LENGTH) return `must be 1 to ${MAX_ID_LENGTH} characters`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) {
    return "must start with a letter or digit and use only letters, digits, '.', '_', '-'";
  }
  // Node ids become a ref component (refs/remotes/<node>/...), so check-ref-format rules 1, 3, 7
  // apply. '.lock' is refused in any case: on case-insensitive filesystems it still collides.
  if (value.includes("..")) return "must not contain '..'";
  if (value.endsWith(".")) return "must not end with '.'";
  if (/\.lock$/i.test(value)) return "must not end with '.lock'";
  return null;
}

export function isNodeId(value: unknown): value is string {
  return idProblem(value) === null;
}

/** Repo ids name the pubsub node `herald/<repo>`; default is the root commit's sha. Same rules. */
export function isRepoId(value: unknown): value is string {
  return idProblem(value) === null;
}

/** A per-node sequence number: a safe non-negative integer (exact in JSON and JS). */
export function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

export function assertSha(value: unknown, field: string): asserts value is string {
  if (!isSha(value)) throw new InvalidFieldError(field, "must be 40 or 64 lowercase hex digits");
}

export function assertRefName(value: unknown, field: string): asserts value is string {
  const problem = refNameProblem(value);
  if (problem !== null) throw new InvalidFieldError(field, problem);
}

export function assertBranchRef(value: unknown, field: string): asserts value is string {
  const problem = branchRefProblem(value);
  if (problem !== null) throw new InvalidFieldError(field, problem);
}

export function assertNodeId(value: unknown, field: string): asserts value is string {
  const problem = idProblem(value);
  if (problem !== null) throw new InvalidFieldError(field, problem);
}

export function assertRepoId(value: unknown, field: string): asserts value is string {
  assertNodeId(value, field);
}

export function assertSeq(value: unknown, field: string): asserts value is number {
  if (!isSeq(value)) throw new InvalidFieldError(field, "must be an integer from 0 to 2^53-1");
}
