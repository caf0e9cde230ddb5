import { heraldSshCommand, isPlainSsh, networkEnv } from "./ssh-env.js";
import { causeLines } from "./stderr-cause.js";

const NEVER = "-o BatchMode=yes -o ConnectTimeout=10 -o ServerAliveInterval=4 -o ServerAliveCountMax=2";
const REUSE = "-o ControlMaster=auto -o ControlPersist=60 -o ControlPath=/run/user/1000/herald/ssh/42/%C";

describe("the ssh command Herald hands git", () => {
  it("with nothing set: ssh, never prompting, with deadlines and connection reuse", () => {
    expect(heraldSshCommand({ env: {}, controlDir: "/run/user/1000/herald/ssh/42" })).toBe(`ssh ${NEVER} ${REUSE}`);
  });

  it("herald.sshCaching=false (no directory): no ControlMaster", () => {
    expect(heraldSshCommand({ env: {}, controlDir: null })).toBe(`ssh ${NEVER}`);
  });

  it("a ControlPath with a space is quoted for the shell git runs it with", () => {
    expect(heraldSshCommand({ env: {}, controlDir: "/tmp/a b" })).toContain("-o 'ControlPath=/tmp/a b/%C'");
  });

  it("the user's ssh command line comes first, so each option the user wrote wins (ssh keeps the first value)", () => {
    expect(heraldSshCommand({ env: {}, coreSshCommand: "ssh -i ~/.ssh/k -o BatchMode=no", controlDir: null })).toBe(`ssh -i ~/.ssh/k -o BatchMode=no ${NEVER}`);
    expect(heraldSshCommand({ env: { GIT_SSH_COMMAND: "/usr/bin/ssh -F cfg" }, coreSshCommand: "ssh -i other", controlDir: null })).toBe(`/usr/bin/ssh -F cfg ${NEVER}`);
  });

  it("a command that is not ssh itself, or GIT_SSH, is left alone (its options are unknown)", () => {
    expect(heraldSshCommand({ env: {}, coreSshCommand: "plink -batch", controlDir: "/x" })).toBeNull();
    expect(heraldSshCommand({ env: { GIT_SSH_COMMAND: "my-ssh-wrapper" }, controlDir: "/x" })).toBeNull();
    expect(heraldSshCommand({ env: { GIT_SSH: "/usr/local/bin/ssh-wrap" }, controlDir: "/x" })).toBeNull();
    // core.sshCommand goes before GIT_SSH in git's own order.
    expect(heraldSshCommand({ env: { GIT_SSH: "/usr/local/bin/ssh-wrap" }, coreSshCommand: "ssh -4", controlDir: null })).toBe(`ssh -4 ${NEVER}`);
    expect(networkEnv({ env: { GIT_SSH: "w" }, controlDir: null })).toEqual({ GIT_TERMINAL_PROMPT: "0" });
  });

  it("git-annex is told to use it (it reads GIT_SSH_COMMAND only then, and never core.sshCommand)", () => {
    expect(networkEnv({ env: {}, coreSshCommand: "ssh -i k", controlDir: null })).toEqual({ GIT_TERMINAL_PROMPT: "0", GIT_SSH_COMMAND: `ssh -i k ${NEVER}`, GIT_ANNEX_USE_GIT_SSH: "1" });
  });

  it("isPlainSsh: ssh by name or path only", () => {
    expect(isPlainSsh("ssh")).toBe(true);
    expect(isPlainSsh("  /usr/bin/ssh -v")).toBe(true);
    expect(isPlainSsh("sshpass -p x ssh")).toBe(false);
    expect(isPlainSsh("autossh -M 0")).toBe(false);
  });
});

describe("causeLines", () => {
  it("keeps ssh's cause rather than git's closing boilerplate", () => {
    const stderr = "Host key verification failed.\r\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n";
    expect(causeLines(stderr)).toEqual(["Host key verification failed."]);
  });

  it("keeps everything when nothing else is there", () => {
    expect(causeLines("and the repository exists.\n")).toEqual(["and the repository exists."]);
    expect(causeLines("a\nb\nc\nd\n")).toEqual(["b", "c", "d"]);
  });
});
