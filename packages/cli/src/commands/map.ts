// `herald map [--format text|dot|mermaid|json] [--root NODE]`: the live network map with the
// planned tree highlighted. DOT renders with Graphviz (`| dot -Tsvg`); Mermaid renders on GitHub.
import { minCostArborescence, renderMap, type MapFormat } from "@herald/planner";
import type { ArgumentsCamelCase, CommandModule } from "yargs";
import { CliError } from "../cli-error.js";
import type { GlobalArgs } from "../global-args.js";
import { liveMap } from "../live-map.js";
import { withRepo, type RepoArgs } from "./control-commands.js";

const FORMATS = ["text", "dot", "mermaid", "json"] as const;
interface MapArgs extends RepoArgs { format: MapFormat; root?: string }

export const mapCommand: CommandModule<GlobalArgs, MapArgs> = {
  command: "map",
  describe: "The network of clones as the agent knows it, with the planned tree highlighted",
  builder: (y) => withRepo(y)
    .option("format", { choices: FORMATS, default: "text" as const, describe: "output format" })
    .option("root", { type: "string", requiresArg: true, describe: "plan from this node", defaultDescription: "this clone's node" })
    .example("$0 map", "the map as text")
    .example("$0 map --format dot | dot -Tsvg > map.svg", "draw it with Graphviz"),
  handler: async (args: ArgumentsCamelCase<MapArgs>) => {
    const { self, graph } = await liveMap(args.repo);
    const root = args.root ?? self;
    if (!graph.nodes.includes(root)) throw new CliError(`unknown node ${JSON.stringify(root)}; known: ${graph.nodes.join(", ")}`);
    const result = minCostArborescence({ ...graph, root });
    process.stdout.write(`${renderMap({ ...graph, root }, result, args.format).replace(/\n?$/, "\n")}`);
  },
};
