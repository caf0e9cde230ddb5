import { chatTargets } from "./chat-handlers.js";

const repos = [
  { dir: "/home/a/notes", admins: ["me@x.org"] },
  { dir: "/home/a/work/site", admins: ["me@x.org", "ops@x.org"] },
  { dir: "/srv/notes", admins: ["me@x.org"] },
  { dir: "/home/a/private", admins: ["other@x.org"] },
];

const dirs = (found: ReturnType<typeof chatTargets>) => (typeof found === "string" ? found : found.map((r) => r.dir));

describe("chatTargets", () => {
  it("without a name: every repository that lists the sender in herald.admin, and only those", () => {
    expect(dirs(chatTargets(repos, undefined, "me@x.org"))).toEqual(["/home/a/notes", "/home/a/work/site", "/srv/notes"]);
    expect(dirs(chatTargets(repos, undefined, "ops@x.org"))).toEqual(["/home/a/work/site"]);
  });

  it("a name picks the repository by its directory's name", () => {
    expect(chatTargets(repos, "site", "ops@x.org")).toEqual([repos[1]]);
  });

  it("says why when a name matches none, several, or one the sender may not command", () => {
    expect(chatTargets(repos, "notes", "me@x.org")).toBe("notes is ambiguous: /home/a/notes, /srv/notes");
    expect(chatTargets(repos, "nope", "me@x.org")).toBe("no repository named nope (try: status)");
    expect(chatTargets(repos, "private", "me@x.org")).toBe("no repository named private (try: status)");
    expect(chatTargets(repos, undefined, "stranger@x.org")).toBe("no repository here lists you in herald.admin");
  });
});
