import { jest } from "@jest/globals";
import { HeldWhileMoving } from "./held-while-moving.js";

describe("the git-annex branch's travel while content moves", () => {
  afterEach(() => jest.useRealTimers());

  it("goes at once when no transfer runs", () => {
    const held = new HeldWhileMoving(() => false);
    const ran: string[] = [];
    held.run("push b", () => ran.push("push b"));
    expect(ran).toEqual(["push b"]);
    expect(held.holding).toBe(0);
  });

  it("waits while a transfer runs, once per name, and goes when the transfers end", () => {
    let moving = true;
    const held = new HeldWhileMoving(() => moving);
    const ran: string[] = [];
    held.run("push b", () => ran.push("push b (first ask)"));
    held.run("merge", () => ran.push("merge"));
    held.run("push b", () => ran.push("push b"));
    expect(ran).toEqual([]);
    expect(held.holding).toBe(2);
    moving = false;
    held.flush();
    expect(ran.sort()).toEqual(["merge", "push b"]);
    held.flush();
    expect(ran).toHaveLength(2);
  });

  it("goes after the hold's time when the transfers run on (a long upload keeps nothing stale for long)", () => {
    jest.useFakeTimers();
    const held = new HeldWhileMoving(() => true, 3000);
    const ran: string[] = [];
    held.run("push b", () => ran.push("push b"));
    jest.advanceTimersByTime(2999);
    expect(ran).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual(["push b"]);
    // A new hold gets its own time.
    held.run("push c", () => ran.push("push c"));
    jest.advanceTimersByTime(2999);
    expect(ran).toEqual(["push b"]);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual(["push b", "push c"]);
  });
});
