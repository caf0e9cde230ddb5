import { LoginTokens } from "./login-tokens.js";

describe("LoginTokens", () => {
  it("lets a token in once, within 60 s, and never an unknown one", () => {
    let now = 1_000_000;
    const tokens = new LoginTokens(() => now);
    const t = tokens.issue();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.redeem("guess")).toBe(false);
    now += 59_999;
    expect(tokens.redeem(t)).toBe(true);
    expect(tokens.redeem(t)).toBe(false);
  });

  it("refuses a token 60 s after it was made", () => {
    let now = 0;
    const tokens = new LoginTokens(() => now);
    const t = tokens.issue();
    const other = tokens.issue();
    expect(other).not.toBe(t);
    now = 60_000;
    expect(tokens.redeem(t)).toBe(false);
    expect(tokens.redeem(other)).toBe(false);
  });
});
