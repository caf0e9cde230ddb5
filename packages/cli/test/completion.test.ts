// `herald completion`: the script yargs writes, driven by a real bash the way a user's Tab key
// drives it (bash's programmable completion calls the function with COMP_WORDS set), and by a
// real interactive zsh on a pseudo-terminal (zsh/zpty), where Tab is pressed as a user would.
import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, herald } from "./run-herald.js";

// yargs writes the zsh script when $SHELL or $ZSH_NAME says zsh; these runs are bash's.
const bashEnv: NodeJS.ProcessEnv = { ...process.env, SHELL: "/bin/bash" };
delete bashEnv.ZSH_NAME;

describe("herald completion", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "herald-completion-"));
    // The script runs `herald` from PATH, as it will once installed.
    await writeFile(join(dir, "herald"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    await chmod(join(dir, "herald"), 0o755);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("prints a bash script for herald, or a zsh one where the shell is zsh", async () => {
    const bash = await herald(["completion"], { env: bashEnv });
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain("herald --get-yargs-completions");
    expect(bash.stdout).toMatch(/^complete .* herald$/m);
    expect(spawnSync("bash", ["-n"], { input: bash.stdout }).status).toBe(0);
    const zsh = await herald(["completion"], { env: { ...bashEnv, SHELL: "/usr/bin/zsh" } });
    expect(zsh.stdout).toMatch(/^#compdef herald$/m);
  });

  /** What bash offers after `words` (the last one being completed), through the printed script. */
  async function complete(words: string[]): Promise<string[]> {
    const script = (await herald(["completion"], { env: bashEnv })).stdout;
    const run = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}\n` +
      '_herald_yargs_completions; printf "%s\\n" "${COMPREPLY[@]}"';
    const r = spawnSync("bash", ["-c", run], { env: { ...bashEnv, PATH: `${dir}:${process.env.PATH ?? ""}` }, encoding: "utf8" });
    expect(r.stderr).toBe("");
    return r.stdout.split("\n").filter(Boolean).sort();
  }

  it("completes commands and their options", async () => {
    expect(await complete(["herald", "st"])).toEqual(["status", "stop"]);
    expect(await complete(["herald", "status", "--j"])).toEqual(["--json"]);
    expect(await complete(["herald", "comp"])).toEqual(["completion"]);
  });

  it("prints the shell asked for, whatever $SHELL says", async () => {
    const zsh = await herald(["completion", "zsh"], { env: bashEnv });
    expect(zsh.code).toBe(0);
    expect(zsh.stdout.split("\n")[0]).toBe("#compdef herald");
    const bash = await herald(["completion", "bash"], { env: { ...bashEnv, SHELL: "/usr/bin/zsh" } });
    expect(bash.code).toBe(0);
    expect(bash.stdout).toMatch(/^complete .* herald$/m);
    const fish = await herald(["completion", "fish"], { env: bashEnv });
    expect(fish.code).toBe(2);
  });

  // zsh is installed by ./scripts/test.sh (apt-get install zsh).
  it("completes a command in a real zsh that sourced the script (no compinit of its own)", async () => {
    const script = join(dir, "herald.zsh");
    await writeFile(script, (await herald(["completion", "zsh"], { env: bashEnv })).stdout);
    // Type "herald stat", press Tab, wait for zsh to complete it, then print the line instead of
    // running it (Ctrl-A goes to its start). What zsh printed is what Tab made of it.
    const driver = [
      "zmodload zsh/zpty",
      "zpty -b z 'zsh -f -i'",
      `zpty -w z 'PS1="> "; bindkey -e; PATH=${dir}:$PATH; source ${script}; print READY'`,
      "zpty -r z line '*READY*'",
      "zpty -w -n z $'herald stat\\t'",
      "all=''",
      "for i in {1..100}; do zpty -r -t z chunk && all+=$chunk; [[ $all == *status* ]] && break; sleep 0.1; done",
      "zpty -w -n z $'\\C-aprint -r -- LINE: \\n'",
      "for i in {1..50}; do zpty -r -t z chunk && all+=$chunk; [[ $all == *$'\\nLINE: '* ]] && break; sleep 0.1; done",
      "print -r -- $all",
      "zpty -d z",
    ].join("\n");
    const r = spawnSync("zsh", ["-fc", driver], { env: { ...bashEnv, SHELL: "/usr/bin/zsh" }, encoding: "utf8", timeout: 30_000 });
    const printed = r.stdout.split(/\r?\n/).find((l) => l.startsWith("LINE: "));
    expect(printed?.trim()).toBe("LINE: herald status");
  }, 40_000);
});
