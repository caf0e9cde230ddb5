import { isNetworkUrl, sshHost, stripProgress, timeoutReason, withProgress } from "./network-policy.js";

describe("which remotes are reached over a network", () => {
  it("ssh, scp-style, git:// and http are; paths and file:// are not", () => {
    for (const url of ["ssh://me@host:2222/srv/r.git", "host:r.git", "me@host:/srv/r", "git://host/r", "https://host/r.git"]) expect([url, isNetworkUrl(url)]).toEqual([url, true]);
    for (const url of ["/srv/r", "../r", "./a:b", "file:///srv/r", "r", "dir/with:colon"]) expect([url, isNetworkUrl(url)]).toEqual([url, false]);
  });

  it("the ssh host one master serves: user, host and port as written", () => {
    expect(sshHost("ssh://me@host:2222/srv/r.git")).toBe("me@host:2222");
    expect(sshHost("ssh://host/srv/r.git")).toBe("host:22");
    expect(sshHost("me@host:/srv/r")).toBe("me@host:22");
    expect(sshHost("ssh://[::1]:2222/r")).toBe("[::1]:2222");
    expect(sshHost("https://host/r.git")).toBeNull();
    expect(sshHost("/srv/r")).toBeNull();
  });
});

describe("the watchdog", () => {
  it("says what happened, in seconds", () => {
    expect(timeoutReason(30_000)).toBe("timeout: no progress for 30 s");
    expect(timeoutReason(2_500)).toBe("timeout: no progress for 2.5 s");
  });

  it("push and fetch report progress with no terminal, the remote's too; other commands are left alone", () => {
    expect(withProgress(["-c", "x=y", "push", "--porcelain", "--quiet", "b", "a:b"])).toEqual(["-c", "x=y", "push", "--progress", "--porcelain", "b", "a:b"]);
    expect(withProgress(["fetch", "--quiet", "b"])).toEqual(["fetch", "--progress", "--quiet", "b"]);
    expect(withProgress(["ls-remote", "--", "b"])).toEqual(["ls-remote", "--", "b"]);
  });

  it("the progress meter is taken out of what git said; the cause stays", () => {
    const stderr = "Enumerating objects: 3, done.\nCounting objects:  33% (1/3)\rCounting objects: 100% (3/3), done.\nWriting objects:  50% (1/2)\r"
      + "remote: Resolving deltas: 100% (1/1)        \nTotal 3 (delta 0), reused 0 (delta 0), pack-reused 0\nerror: failed to push some refs to 'b'\n";
    expect(stripProgress(stderr).trim()).toBe("error: failed to push some refs to 'b'");
    expect(stripProgress("Host key verification failed.\nfatal: Could not read from remote repository.\n")).toBe("Host key verification failed.\nfatal: Could not read from remote repository.\n");
  });
});
