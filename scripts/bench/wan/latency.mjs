// @ts-check
// Commit → every other clone's work tree over ssh across the links, the propagation section's way
// (propagation.mjs: one commit at a time, a warm-up first, the clock from `git commit` returning
// to the file in the work tree; here 2–4 s apart, section.mjs says why): Herald (git only: pushes, the peers' ref watchers), the floor
// (`git push` over ssh + `git merge --ff-only` on the receiver) with a new ssh connection per push,
// and the floor with ControlMaster/ControlPersist in its ssh command. The warm-up commit opens the
// masters, so the counted ones measure the reuse.
import { propagationFloor, propagationHerald } from "../propagation.mjs";
import { label } from "../topology.mjs";
import { wanBuilder } from "./net.mjs";

/** @typedef {import("./net.mjs").Wan} Wan */
/** @typedef {import("./net.mjs").WanTopology} WanTopology */
/** @typedef {"herald" | "floor" | "floor, reuse"} WanSystem */
/**
 * @typedef {object} LatencyRow
 * @property {string} system
 * @property {string} topology
 * @property {number} clones
 * @property {number} commits
 * @property {number | null} p50
 * @property {number | null} p95
 * @property {number | null} max
 * @property {number | null} eachP50
 * @property {number} timeouts
 * @property {number} [sshConnections] TCP connections across the links in the whole case (start-up and warm-up included)
 * @property {Record<string, { p50: number | null, n: number }>} [breakdown]
 */

/** What `ctx` the propagation functions read. */
/** @typedef {{ cleanup: import("../lib.mjs").Cleanup, detector: unknown, server: null, opts: { inProcess: boolean, commits: () => number, pauseMs?: number } }} Ctx */

export const SYSTEMS = /** @type {const} */ (["floor", "floor, reuse", "herald"]);

/**
 * One system on one topology ("star", 2 is the pair).
 * @param {Ctx} ctx @param {Wan} wan @param {string} shape @param {number} n @param {WanSystem} system
 * @returns {Promise<LatencyRow>}
 */
export async function latencyCase(ctx, wan, shape, n, system) {
  /** @type {WanTopology | null} */
  let topo = null;
  const build = wanBuilder(wan, { reuse: system === "floor, reuse", made: (t) => { topo = t; } });
  const row = system === "herald"
    ? await propagationHerald(ctx, shape, n, "herald-noxmpp", build)
    : await propagationFloor(ctx, shape, n, build);
  const made = /** @type {WanTopology | null} */ (topo);
  return { ...row, system, topology: label(shape, n), sshConnections: made ? made.connections() : undefined };
}
