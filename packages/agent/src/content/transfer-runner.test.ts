import { parseAnnexLine } from "./annex-json.js";
import { annexArgs } from "./transfer-runner.js";

const key = "SHA256E-s5--ab.bin";

describe("the git-annex command of a transfer", () => {
  it("copies or gets one key, or one file after -- where the receiver's preferred content decides, without merging git-annex branches", () => {
    const noMerge = ["-c", "annex.merge-annex-branches=false"];
    expect(annexArgs({ key, path: "-rf.bin", direction: "to", remote: "cloud", wanted: true, bwlimit: 1_500_000.7 }))
      .toEqual(["copy", "--to=cloud", ...noMerge, "--want-get-by=cloud", "--json", "--json-progress", "-c", "annex.bwlimit=1500000B", "--", "-rf.bin"]);
    expect(annexArgs({ key, path: "a.bin", direction: "from", remote: "cloud", wanted: true }))
      .toEqual(["get", "--from=cloud", ...noMerge, "--want-get", "--json", "--json-progress", "--", "a.bin"]);
    expect(annexArgs({ key, path: "a.bin", direction: "to", remote: "b" })).toEqual(["copy", "--to=b", ...noMerge, "--json", "--json-progress", `--key=${key}`]);
    expect(annexArgs({ key, path: "a.bin", direction: "from", remote: "cloud" })).toEqual(["get", "--from=cloud", ...noMerge, "--json", "--json-progress", `--key=${key}`]);
  });

  it("reads git-annex's progress and result lines", () => {
    expect(parseAnnexLine('{"action":{"command":"copy"},"byte-progress":32752,"percent-progress":"1.09%","total-size":3000000}')).toEqual({ kind: "progress", bytes: 32752, total: 3000000 });
    expect(parseAnnexLine('{"command":"get","error-messages":["not available"],"success":false}')).toEqual({ kind: "result", success: false, error: "not available" });
    expect(parseAnnexLine("(recording state in git...)")).toEqual({ kind: "other" });
  });
});

describe("content is only ever copied or fetched", () => {
  // The acceptance "a move never leaves fewer than numcopies copies" holds because Herald never
  // moves or drops: every transfer it builds is `git annex copy --to` or `git annex get --from`,
  // which add a copy and remove none (git-annex's own move/drop check numcopies themselves).
  it("builds no git-annex command but copy and get, whatever the job", () => {
    for (const direction of ["to", "from"] as const) {
      for (const wanted of [undefined, false, true]) {
        for (const bwlimit of [undefined, 0, 1, 2_000_000]) {
          // A file named "move" and a remote named "drop": neither may become a command.
          const [command, ...rest] = annexArgs({ key, path: "move", direction, remote: "drop", wanted, bwlimit });
          expect(command).toBe(direction === "to" ? "copy" : "get");
          // The file goes after -- (only where preferred content decides); otherwise the key names the content.
          const end = rest.indexOf("--");
          expect(end < 0 ? [] : rest.slice(end + 1)).toEqual(wanted ? ["move"] : []);
          const options = end < 0 ? rest : rest.slice(0, end);
          // Only options (and -c's values) follow: no second command word.
          expect(options.filter((a) => !a.startsWith("-") && !/^annex\.bwlimit=\d+B$|^annex\.merge-annex-branches=false$/.test(a))).toEqual([]);
          expect(options.filter((a) => /move|drop/.test(a.replace(/=drop$/, "")))).toEqual([]);
        }
      }
    }
  });
});
