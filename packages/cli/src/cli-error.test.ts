import { CliError, errorLine, exitCodeFor, usageMessage } from "./cli-error.js";

describe("exitCodeFor", () => {
  it.each([
    [new CliError("bad"), 2],
    [Object.assign(new Error("x"), { code: "NOT_A_REPO" }), 2],
    [Object.assign(new Error("x"), { code: "CONFIG" }), 2],
    [Object.assign(new Error("x"), { code: "BAD_PLAN_INPUT" }), 2],
    [Object.assign(new Error("x"), { code: "AGENT_RUNNING" }), 1],
    [new Error("plain"), 1],
    ["a string", 1],
    [null, 1],
  ])("maps %p to %i", (err, code) => {
    expect(exitCodeFor(err)).toBe(code);
  });
});

describe("errorLine", () => {
  it("puts a multi-line message on one line", () => {
    expect(errorLine(new Error("first\n  second\r\nthird\n"))).toBe("herald: first second third");
  });
});

describe("usageMessage", () => {
  it("drops yargs' camelCase echo of an unknown kebab-case flag", () => {
    expect(usageMessage("Unknown arguments: repo-dir, repoDir")).toBe("Unknown argument: repo-dir");
    expect(usageMessage("Unknown arguments: a-b, aB, zz")).toBe("Unknown arguments: a-b, zz");
    expect(usageMessage("Unknown argument: frob")).toBe("Unknown argument: frob");
  });
});
