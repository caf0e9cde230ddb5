import { settingsPrint } from "./repo-settings.js";
import type { ConfigEntry } from "./machine-config.js";

const DIR = "/home/u/notes";
const base: ConfigEntry[] = [["herald.node", "laptop"], ["remote.desk.url", "/srv/desk"], ["remote.desk.fetch", "+refs/heads/*:refs/remotes/desk/*"]];
const print = (entries: ConfigEntry[], machine: ConfigEntry[] = []) => settingsPrint(entries, machine, DIR);

describe("settingsPrint: what restarts a repository's engine", () => {
  it("ignores what git-annex and git write during normal work", () => {
    expect(print([...base, ["remote.desk.annex-uuid", "5d8ad83c-2c5b-4b4a-9f0e-8f6d0f0e3a11"]])).toBe(print(base));
    expect(print([...base, ["remote.desk.annex-ignore", "false"]])).toBe(print(base));
    expect(print([...base.slice(0, 2)])).toBe(print(base)); // a fetch refspec
  });

  it("sees a remote added, removed or changed", () => {
    expect(print([...base, ["remote.cloud.url", "/srv/cloud.git"]])).not.toBe(print(base));
    expect(print(base.slice(0, 1))).not.toBe(print(base));
    expect(print([...base, ["remote.desk.url", "/srv/desk2"]])).not.toBe(print(base));
    expect(print([...base, ["remote.desk.herald-cost", "5"]])).not.toBe(print(base));
  });

  it("sees git annex init (annex.uuid appears) and any herald.* setting, even one it does not parse", () => {
    expect(print([...base, ["annex.uuid", "0d4c3a8e-1111-4222-8333-944455556666"]])).not.toBe(print(base));
    expect(print([...base, ["herald.retryinterval", "2h"]])).not.toBe(print(base));
    expect(print([...base, ["herald.tlsca", "/etc/ca.pem"]])).not.toBe(print(base));
  });

  it("counts the machine's settings under the clone's own", () => {
    expect(print(base, [["herald.retryinterval", "1h"]])).not.toBe(print(base));
    // The clone sets it: the machine's value does not matter.
    const own: ConfigEntry[] = [...base, ["herald.retryinterval", "2h"]];
    expect(print(own, [["herald.retryinterval", "1h"]])).toBe(print(own, [["herald.retryinterval", "5h"]]));
    // A key only a clone may set is ignored in the machine's file.
    expect(print(base, [["herald.node", "elsewhere"]])).toBe(print(base));
  });

  it("gives a bad setting's error, so mending it is a change", () => {
    const bad = print([...base, ["herald.retryinterval", "banana"]]);
    expect(JSON.parse(bad)).toEqual({ error: 'herald.retryInterval: expected a duration such as 1s, 90s, 30m or 2h, got "banana"' });
    expect(print([...base, ["herald.retryinterval", "soon"]])).not.toBe(bad);
    expect(print([...base, ["herald.retryinterval", "2h"]])).not.toBe(bad);
  });
});
