import { localPath, pushTarget } from "./remotes.js";

describe("pushTarget", () => {
  it("never writes a peer's checked-out branch", () => {
    expect(pushTarget("peer", "laptop-1a2b3c", "refs/heads/main")).toBe("refs/remotes/laptop-1a2b3c/main");
    expect(pushTarget("peer", "n", "refs/heads/feature/x")).toBe("refs/remotes/n/feature/x");
  });
  it("gives a bare repository the branch itself", () => {
    expect(pushTarget("bare", "n", "refs/heads/main")).toBe("refs/heads/main");
  });
});

describe("localPath", () => {
  it.each([
    ["/srv/repo.git", "/srv/repo.git"],
    ["../peer", "../peer"],
    ["file:///media/usb/repo", "/media/usb/repo"],
    ["ssh://host/repo", null],
    ["git@github.com:me/repo.git", null],
    ["https://example.org/repo.git", null],
  ])("%s → %s", (url, expected) => expect(localPath(url)).toBe(expected));
});
