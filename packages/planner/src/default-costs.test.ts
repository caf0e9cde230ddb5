import { describe, expect, test } from "@jest/globals";
import { defaultCost, remoteKindOf, type RemoteKind } from "./default-costs.js";

describe("remoteKindOf", () => {
  test.each<[string, RemoteKind]>([
    ["/home/me/src/herald", "local"],
    ["../sibling-clone", "local"],
    ["repo.git", "local"],
    ["./host:with-colon-after-slash", "local"],
    ["C:\\Users\\me\\repo", "local"],
    ["C:/Users/me/repo", "local"],
    ["file:///home/me/repo.git", "local"],
    ["file://localhost/srv/repo.git", "local"],
    ["/media/usb/repo.git", "removable"],
    ["/media", "removable"],
    ["/run/media/me/STICK/repo", "removable"],
    ["/mnt/backup/repo", "removable"],
    ["//mnt//backup", "removable"],
    ["file:///media/usb/repo.git", "removable"],
    ["file:///run/media/me/My%20Disk/repo", "removable"],
    ["/mntx/repo", "local"],
    ["/home/me/media/repo", "local"],
    ["ssh://me@nas.lan/srv/git/repo.git", "network"],
    ["SSH://nas/repo", "network"],
    ["git+ssh://nas/repo", "network"],
    ["git://nas.lan/repo.git", "network"],
    ["me@nas.lan:srv/repo.git", "network"],
    ["nas:repo.git", "network"],
    ["me@[fe80::1]:repo.git", "network"],
    ["rsync://host/repo", "network"],
    ["https://github.com/me/repo.git", "cloud"],
    ["http://git.example.org/repo", "cloud"],
    ["gcrypt::ssh://nas/repo", "network"],
    ["gcrypt::/media/usb/repo", "removable"],
    ["  https://github.com/me/repo.git\n", "cloud"],
  ])("%s → %s", (url, kind) => {
    expect(remoteKindOf(url)).toBe(kind);
  });
});

describe("defaultCost", () => {
  test("uses git-annex's scale and orders local < removable < network < cloud", () => {
    const costs = (["local", "removable", "network", "cloud"] as const).map(defaultCost);
    expect(costs).toEqual([100, 175, 200, 1000]);
  });
});
