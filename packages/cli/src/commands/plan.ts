// `herald plan --input FILE|- [--format json|text]`: the cheapest tree through which the root
// reaches every node, from a graph given as JSON (interfaces.md has the format).
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { formatPlanText, minCostArborescence, parsePlanInput, PlanInputError, type PlanGraph } from "@herald/planner";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";
import { parseJson, readInput } from "../read-input.js";
import { liveMap } from "../live-map.js";

const FORMATS = ["json", "text"] as const;

interface PlanArgs extends GlobalArgs {
  input?: string;
  repo?: string;
  format: (typeof FORMATS)[number];
}

function builder(y: Argv<GlobalArgs>): Argv<PlanArgs> {
  return y
    .option("input", { type: "string", requiresArg: true, describe: 'plan input JSON file, or "-" for stdin' })
    .option("format", { choices: FORMATS, default: "json" as const, describe: "output format" })
    .option("repo", { type: "string", requiresArg: true, describe: "without --input: plan over this clone's live map" })
    .example("$0 plan --format text", "the plan over the live map of the clone here (needs a running agent)")
    .example("$0 plan --input - < graph.json", "plan a graph read from stdin; prints JSON")
    .example("$0 plan --input graph.json --format text", "print the tree as indented text")
    .epilog('Input: {"nodes": [ids], "edges": [[from, to, cost], ...], "root": id}\n' +
      'Output (json): {"parent": {node: parent}, "cost": total, "unreachable": [ids]}');
}

/** The validated graph; a bad field is reported with its path, e.g. `edges[2][2]`, and the source. */
function toGraph(json: unknown, source: string): PlanGraph {
  try {
    return parsePlanInput(json);
  } catch (e) {
    if (e instanceof PlanInputError) throw new CliError(`${source}: ${e.message}`, e.code, { cause: e });
    throw e;
  }
}

async function handler(args: ArgumentsCamelCase<PlanArgs>): Promise<void> {
  if (args.input === undefined) {
    // The live map of the clone we are in, rooted here (a running agent is needed).
    const { self, graph: live } = await liveMap(args.repo);
    const result = minCostArborescence({ ...live, root: self });
    process.stdout.write(args.format === "text" ? formatPlanText(result, { ...live, root: self }) : `${JSON.stringify(result)}\n`);
    return;
  }
  const source = args.input === "-" ? "stdin" : args.input;
  const graph = toGraph(parseJson(await readInput(args.input), source), source);
  const result = minCostArborescence(graph);
  process.stdout.write(args.format === "text" ? formatPlanText(result, graph) : `${JSON.stringify(result)}\n`);
}

export const planCommand: CommandModule<GlobalArgs, PlanArgs> = {
  command: "plan",
  describe: "Plan the cheapest way to spread commits through a network",
  builder,
  handler,
};
