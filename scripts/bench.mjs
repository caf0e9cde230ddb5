#!/usr/bin/env node
// `npm run bench` (after `npx tsc -b`): times Herald's hot paths and records the numbers in
// bench/results.json. Each section replaces only its own key, so sections added later (by other
// scripts or people) survive a rerun of this one.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";

const resultsFile = new URL("../bench/results.json", import.meta.url);

async function importBuilt(path) {
  try {
    return await import(path);
  } catch (e) {
    if (e.code !== "ERR_MODULE_NOT_FOUND") throw e;
    console.error(`bench: ${path} is not built; run \`npx tsc -b\` first`);
    process.exit(1);
  }
}

/** The existing results, or {} when there are none yet; a corrupt file is an error, not a reset. */
async function readResults() {
  const text = await readFile(resultsFile, "utf8").catch((e) => (e.code === "ENOENT" ? "{}" : Promise.reject(e)));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`bench/results.json is not valid JSON (${e.message}); fix or delete it`);
  }
}

function printTable(title, rows) {
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v) => (typeof v === "number" ? v.toLocaleString("en-US") : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells) => cells.map((s, i) => s.padStart(width[i])).join("  ");
  console.log(`\n${title}`);
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

async function main() {
  const previous = await readResults(); // first: a corrupt file should not cost a whole run
  const { benchPlanner } = await importBuilt("../packages/planner/dist/bench.js");
  const planner = benchPlanner([1000, 10000, 50000]);
  printTable("planner: minCostArborescence on random graphs (10 edges per node)", planner);

  const machine = { cpus: os.availableParallelism(), node: process.version, os: `${os.type()} ${os.release()} ${os.arch()}` };
  const results = { ...previous, machine, planner };
  await mkdir(new URL(".", resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${resultsFile.pathname}`);
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
