// YAML files read in tests (docker/): js-yaml where jest has it, else PyYAML through python3.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };

export function obj(v: Json | undefined, what: string): Obj {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${what}: expected a mapping, got ${JSON.stringify(v)}`);
  return v;
}
export const list = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

const run = (cmd: string, args: string[], input?: string) => spawnSync(cmd, args, { encoding: "utf8", timeout: 30_000, ...(input !== undefined ? { input } : {}) });

export interface YamlParser { name: string; load(text: string): Json }

/** js-yaml (in node_modules through jest), else PyYAML through python3. */
function yamlParser(): YamlParser | null {
  try {
    const y = createRequire(import.meta.url)("js-yaml") as { load(text: string): unknown };
    return { name: "js-yaml", load: (text) => y.load(text) as Json };
  } catch { /* not installed */ }
  for (const py of ["python3", "/usr/bin/python3"]) {
    if (run(py, ["-c", "import yaml"]).status !== 0) continue;
    return {
      name: `${py} + PyYAML`,
      load(text) {
        const r = run(py, ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"], text);
        if (r.status !== 0) throw new Error(r.stderr);
        return JSON.parse(r.stdout) as Json;
      },
    };
  }
  return null;
}

export const YAML = yamlParser();

export function loadYaml(file: string): Obj {
  if (!YAML) throw new Error("no YAML parser: add js-yaml to devDependencies (or install python3-yaml)");
  return obj(YAML.load(readFileSync(file, "utf8")), file);
}

