// docker/compose.cluster.yaml, the two-node ejabberd cluster profile, checked without Docker: its
// YAML through a parser, then what a cluster needs (ejabberd docs, "Clustering"; the container
// image's CONTAINER.md): distinct Erlang node names that match the containers' host names, one
// cookie for all (from the environment, never a file), the second node joining the first once it
// is healthy, data of its own per node, the same ejabberd.yml as the single server, only client
// ports published, and an agent that lists both nodes. The cluster itself runs for real in
// ejabberd-cluster.test.ts (testkit), which this file's recipe mirrors.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { list, loadYaml, obj, type Json, type Obj } from "./yaml-file.js";

const DOCKER = fileURLToPath(new URL("../../../docker/", import.meta.url));
const PROFILE = "ejabberd-cluster";

describe("docker/compose.cluster.yaml", () => {
  let cluster: Obj, base: Obj;
  beforeAll(() => {
    cluster = loadYaml(join(DOCKER, "compose.cluster.yaml"));
    base = loadYaml(join(DOCKER, "compose.yaml"));
  });
  const services = (c: Obj) => obj(c.services, "services");
  const svc = (name: string) => obj(services(cluster)[name], `services.${name}`);
  const env = (s: Obj): Obj => obj(s.environment ?? {}, "environment");
  const nodes = () => Object.keys(services(cluster)).filter((n) => list(svc(n).profiles).includes(PROFILE)).sort();

  it("has two ejabberd nodes in the ejabberd-cluster profile, on the image the single server uses", () => {
    expect(nodes()).toEqual(["ejabberd-1", "ejabberd-2"]);
    const image = obj(services(base).ejabberd, "services.ejabberd").image;
    for (const n of nodes()) expect(svc(n).image).toBe(image);
  });

  it("names each node after its own host, and gives all of them one cookie from the environment", () => {
    const names = nodes().map((n) => String(env(svc(n)).ERLANG_NODE_ARG));
    expect(new Set(names).size).toBe(2);
    nodes().forEach((n, i) => expect(names[i]).toBe(`ejabberd@${String(svc(n).hostname)}`));
    const cookies = nodes().map((n) => String(env(svc(n)).ERLANG_COOKIE));
    for (const c of cookies) expect(c).toMatch(/^\$\{[A-Z_]+:\?[^}]+\}$/); // required, no default
    expect(new Set(cookies.map((c) => /^\$\{([A-Z_]+)/.exec(c)![1])).size).toBe(1);
  });

  it("joins the second node to the first once the first is healthy", () => {
    const first = svc("ejabberd-1");
    expect(list(obj(first.healthcheck ?? {}, "healthcheck").test)).toContain("ejabberdctl");
    expect(obj(obj(svc("ejabberd-2").depends_on ?? {}, "depends_on")["ejabberd-1"], "depends_on.ejabberd-1").condition).toBe("service_healthy");
    expect(env(svc("ejabberd-2")).CTL_ON_CREATE).toBe(`join_cluster ${String(env(first).ERLANG_NODE_ARG)}`);
  });

  it("mounts the single server's ejabberd.yml read-only and keeps each node's Mnesia on a volume of its own", () => {
    const data = nodes().map((n) => {
      const vols = list(svc(n).volumes).map(String);
      expect(vols).toContain("./ejabberd/ejabberd.yml:/opt/ejabberd/conf/ejabberd.yml:ro");
      return vols.find((v) => v.endsWith(":/opt/ejabberd/database"))!.split(":")[0]!;
    });
    expect(new Set(data).size).toBe(2);
    for (const v of data) expect(Object.keys(obj(cluster.volumes, "volumes"))).toContain(v);
  });

  it("publishes only client ports: epmd and Erlang distribution stay inside the compose network", () => {
    const published = nodes().flatMap((n) => list(svc(n).ports).map((p: Json) => Number(String(p).split(":").pop())));
    expect(published).toEqual([5222, 5222]);
  });

  it("points the agent at both nodes, in order (herald.service given twice)", () => {
    const v = String(env(obj(services(cluster).agent, "services.agent")).HERALD_SERVICE);
    const addresses = /^\$\{HERALD_SERVICE:-(.*)\}$/.exec(v)![1]!.split(" ");
    expect(addresses).toEqual(nodes().map((n) => `xmpp://${n}:5222`));
  });
});
