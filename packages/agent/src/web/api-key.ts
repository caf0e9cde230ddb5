// The dashboard's API key: made at first start, kept in $XDG_CONFIG_HOME/herald/api-key with
// mode 0600 (only this user may read it). Never logged.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { HeraldError } from "../errors.js";
import { configDir, type Env } from "../machine/paths.js";

export const apiKeyFile = (env: Env = process.env): string => join(configDir(env), "api-key");

const KEY = /^[A-Za-z0-9_-]{32,256}$/;

export async function loadApiKey(file: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // "wx": of two processes starting at once, one writes and the other reads what it wrote.
  await writeFile(file, `${randomBytes(32).toString("base64url")}\n`, { flag: "wx", mode: 0o600 }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "EEXIST") throw e;
  });
  // Copied in with a looser mode (a backup, an editor): tighten it rather than serve a readable key.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const key = (await readFile(file, "utf8")).trim();
  if (!KEY.test(key)) throw new HeraldError("CONFIG", `${file} does not hold an API key (32 or more letters, digits, - or _); delete it and a new one is made`);
  return key;
}
