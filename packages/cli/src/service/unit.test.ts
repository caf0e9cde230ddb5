import { execWord, parseShow, renderUnit, unitFile } from "./unit.js";

describe("the herald.service unit", () => {
  it("lives under $XDG_CONFIG_HOME/systemd/user, else ~/.config", () => {
    expect(unitFile({ XDG_CONFIG_HOME: "/x/cfg", HOME: "/home/me" })).toBe("/x/cfg/systemd/user/herald.service");
    expect(unitFile({ HOME: "/home/me" })).toBe("/home/me/.config/systemd/user/herald.service");
    expect(unitFile({ XDG_CONFIG_HOME: "relative", HOME: "/home/me" })).toBe("/home/me/.config/systemd/user/herald.service");
  });

  it("runs the daemon with absolute node and script, restarts on failure but not on bad settings, starts at login", () => {
    const unit = renderUnit({ node: "/usr/bin/node", script: "/opt/herald/lib/node_modules/herald/herald.mjs" });
    const lines = unit.split("\n");
    expect(lines).toContain("ExecStart=/usr/bin/node /opt/herald/lib/node_modules/herald/herald.mjs daemon");
    expect(lines).toContain("Restart=on-failure");
    expect(lines).toContain("RestartPreventExitStatus=2");
    expect(lines).toContain("WantedBy=default.target");
    expect(lines.filter((l) => /^\[(Unit|Service|Install)\]$/.test(l))).toEqual(["[Unit]", "[Service]", "[Install]"]);
  });

  it("writes paths so systemd reads them back unchanged: spaces quoted, % and $ doubled", () => {
    expect(execWord("/usr/bin/node")).toBe("/usr/bin/node");
    expect(execWord("/home/me/my tools/herald.mjs")).toBe('"/home/me/my tools/herald.mjs"');
    expect(execWord("/opt/100%/h")).toBe("/opt/100%%/h");
    expect(execWord("/opt/$HOME/h")).toBe("/opt/$$HOME/h");
    expect(execWord('/a "b"\\c')).toBe('"/a \\"b\\"\\\\c"');
  });

  it("reads systemctl show", () => {
    expect(parseShow("UnitFileState=enabled\nActiveState=active\nSubState=running\nMainPID=4242\n")).toEqual({ enabled: "enabled", active: "active (running)", pid: 4242 });
    expect(parseShow("UnitFileState=\nActiveState=inactive\nSubState=dead\nMainPID=0\n")).toEqual({ enabled: "not loaded", active: "inactive (dead)", pid: 0 });
    expect(parseShow("ActiveState=failed\nSubState=failed\n")).toEqual({ enabled: "not loaded", active: "failed", pid: 0 });
  });
});
