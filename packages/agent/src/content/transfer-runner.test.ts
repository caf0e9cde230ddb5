import { parseAnnexLine } from "./annex-json.js";
import { annexArgs } from "./transfer-runner.js";

const key = "SHA256E-s5--ab.bin";

describe("the git-annex command of a transfer", () => {
  it("copies or gets one file after --, with the receiver's preferred content and a bandwidth share", () => {
    expect(annexArgs({ key, path: "-rf.bin", direction: "to", remote: "cloud", wanted: true, bwlimit: 1_500_000.7 }))
      .toEqual(["copy", "--to=cloud", "--want-get-by=cloud", "--json", "--json-progress", "-c", "annex.bwlimit=1500000B", "--", "-rf.bin"]);
    expect(annexArgs({ key, path: "a.bin", direction: "from", remote: "cloud", wanted: true }))
      .toEqual(["get", "--from=cloud", "--want-get", "--json", "--json-progress", "--", "a.bin"]);
    expect(annexArgs({ key, path: "a.bin", direction: "to", remote: "b" })).toEqual(["copy", "--to=b", "--json", "--json-progress", "--", "a.bin"]);
  });

  it("reads git-annex's progress and result lines", () => {
    expect(parseAnnexLine('{"action":{"command":"copy"},"byte-progress":32752,"percent-progress":"1.09%","total-size":3000000}')).toEqual({ kind: "progress", bytes: 32752, total: 3000000 });
    expect(parseAnnexLine('{"command":"get","error-messages":["not available"],"success":false}')).toEqual({ kind: "result", success: false, error: "not available" });
    expect(parseAnnexLine("(recording state in git...)")).toEqual({ kind: "other" });
  });
});
