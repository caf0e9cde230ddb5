// The live network map, read from a running agent: its own adverts and those its peers gossiped.
import { graphFromAdverts, type NetworkGraph } from "@herald/planner";
import type { NetworkMapAdvert } from "@herald/protocol";
import { ask } from "./control-client.js";

export async function liveMap(repo: string | undefined): Promise<{ self: string; graph: NetworkGraph }> {
  const { node, adverts } = (await ask(repo, "map")) as { node: string; adverts: NetworkMapAdvert[] };
  return { self: node, graph: graphFromAdverts(adverts) };
}
