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
    expect(parseChatCommand(body)).toBe(command);
  });
  it.each(["", "   ", "syncs", "sync now", "s ync", "/sync", "status?", "stop", "sync\u0000", `${" ".repeat(100)}sync`])(
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
      expect(parseChatCommand(command.toUpperCase())).toBe(command);
      expect(description).toMatch(/^\S[^\n]{5,79}$/);
    }
  });
});
