import { CHAT_COMMANDS, parseChatCommand } from "./chat-command.js";

describe("parseChatCommand", () => {
  it.each([
    ["sync", "sync"],
    ["STATUS", "status"],
    ["  Pause\n", "pause"],
    ["\tresume ", "resume"],
    ["HeLp", "help"],
    ["\u00a0sync\u2003", "sync"], // Unicode spaces from chat clients count as surrounding whitespace
  ])("reads %j as %s", (body, command) => {
    expect(parseChatCommand(body)).toEqual({ command });
  });
  it.each([
    ["sync notes", { command: "sync", target: "notes" }],
    ["PAUSE  my-repo.git\n", { command: "pause", target: "my-repo.git" }],
    ["status work_2", { command: "status", target: "work_2" }],
  ])("reads %j with its repository name", (body, request) => {
    expect(parseChatCommand(body)).toEqual(request);
  });
  it.each(["", "   ", "syncs", "sync a b", "s ync", "/sync", "status?", "stop", "sync\u0000", `${" ".repeat(100)}sync`,
    "help notes", "sync ../etc", "sync --all", "sync a/b", "pause -x"])(
    "ignores %j",
    (body) => {
      expect(parseChatCommand(body)).toBeNull();
    },
  );
  it("ignores a non-string body (a message without <body/>)", () => {
    expect(parseChatCommand(undefined as unknown as string)).toBeNull();
  });
});

describe("CHAT_COMMANDS", () => {
  it("lists each command once, each parseable and described in one line", () => {
    const names = CHAT_COMMANDS.map((c) => c.command);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(["help", "pause", "resume", "status", "sync"]);
    for (const { command, description } of CHAT_COMMANDS) {
      expect(parseChatCommand(command.toUpperCase())).toEqual({ command });
      expect(description).toMatch(/^\S[^\n]{5,79}$/);
    }
  });
});
