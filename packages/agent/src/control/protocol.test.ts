import { parseRequest } from "./protocol.js";

describe("parseRequest", () => {
  it("reads a command with its arguments", () => {
    expect(parseRequest('{"id":3,"cmd":"log","args":{"lines":20,"follow":true}}')).toEqual({ id: 3, cmd: "log", args: { lines: 20, follow: true } });
    expect(parseRequest('{"id":1,"cmd":"status"}')).toEqual({ id: 1, cmd: "status", args: { follow: false } });
  });
  it("names what is wrong with a bad request", () => {
    expect(parseRequest("nope")).toEqual({ error: "not JSON", id: 0 });
    expect(parseRequest('{"id":2,"cmd":"rm -rf"}')).toEqual({ error: 'unknown command "rm -rf"', id: 2 });
    expect(parseRequest('{"cmd":"__proto__"}')).toEqual({ error: 'unknown command "__proto__"', id: 0 });
  });
  it("bounds the number of log lines", () => {
    expect(parseRequest('{"id":1,"cmd":"log","args":{"lines":1e9}}')).toMatchObject({ args: { lines: 10_000 } });
    expect(parseRequest('{"id":1,"cmd":"log","args":{"lines":-5}}')).toEqual({ id: 1, cmd: "log", args: { follow: false } });
  });
  it("takes a repository as an absolute path only", () => {
    expect(parseRequest('{"id":1,"cmd":"status","args":{"repo":"/home/a/notes"}}')).toEqual({ id: 1, cmd: "status", args: { follow: false, repo: "/home/a/notes" } });
    for (const bad of ['"notes"', '"../x"', "5", '"/a\\u0000b"', `"/${"a".repeat(5000)}"`]) {
      expect(parseRequest(`{"id":4,"cmd":"sync","args":{"repo":${bad}}}`)).toMatchObject({ id: 4, error: expect.stringMatching(/^args.repo must be an absolute path/) });
    }
  });
  it("takes a transfers action and a git-annex key, nothing else", () => {
    const key = "SHA256E-s5--abc.bin";
    expect(parseRequest(JSON.stringify({ id: 3, cmd: "transfers", args: { action: "pause", key } }))).toEqual({ id: 3, cmd: "transfers", args: { follow: false, action: "pause", key } });
    expect(parseRequest(JSON.stringify({ id: 4, cmd: "transfers", args: { action: "drop" } }))).toEqual({ id: 4, error: "args.action must be one of list, pause, resume, cancel" });
    expect(parseRequest(JSON.stringify({ id: 5, cmd: "transfers", args: { key: "--to=evil" } }))).toEqual({ id: 5, error: '"--to=evil" is not a git-annex key (herald transfers lists them)' });
  });
});
