import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signersFileProblem } from "./verifier.js";

describe("signersFileProblem (herald doctor)", () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "herald-signers-")); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it("says when the file is missing or lists no key, so every peer's commit would be refused", async () => {
    expect(await signersFileProblem(join(dir, "none"))).toMatch(/none cannot be read \(ENOENT\): every peer's commit would be refused/);
    await writeFile(join(dir, "empty"), "# only a comment\n\n");
    expect(await signersFileProblem(join(dir, "empty"))).toMatch(/empty lists no key/);
    await writeFile(join(dir, "one"), "me@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB\n");
    expect(await signersFileProblem(join(dir, "one"))).toBeNull();
  });
});
