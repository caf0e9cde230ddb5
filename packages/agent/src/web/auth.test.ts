import { authorize, cookieValue, csrfToken, ownNames, sessionToken, SESSION_COOKIE, type RequestFacts } from "./auth.js";
import { parseWebSettings } from "./settings.js";

const key = "k".repeat(43);
const policy = { key, ...ownNames("127.0.0.1", 7717, false) };
const base: RequestFacts = { method: "GET", host: "127.0.0.1:7717" };
const cookie = `a=b; ${SESSION_COOKIE}=${sessionToken(key)}`;
const page = "http://127.0.0.1:7717";

describe("authorize", () => {
  it("accepts the key as X-API-Key or a Bearer token, without an Origin (curl) or with ours", () => {
    expect(authorize({ ...base, apiKey: key }, policy)).toEqual({ ok: true, via: "key" });
    expect(authorize({ ...base, method: "POST", authorization: `Bearer ${key}` }, policy)).toEqual({ ok: true, via: "key" });
    expect(authorize({ ...base, method: "POST", apiKey: key, origin: "http://localhost:7717" }, policy)).toEqual({ ok: true, via: "key" });
  });

  it("refuses a missing or wrong key (401)", () => {
    expect(authorize(base, policy)).toMatchObject({ ok: false, status: 401, code: "NO_KEY" });
    expect(authorize({ ...base, apiKey: "nope" }, policy)).toMatchObject({ ok: false, status: 401, code: "BAD_KEY" });
    expect(authorize({ ...base, authorization: `Bearer ${key}x` }, policy)).toMatchObject({ ok: false, status: 401, code: "BAD_KEY" });
    expect(authorize({ ...base, cookie: `${SESSION_COOKIE}=forged` }, policy)).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses another site's Origin and a foreign Host even with the key (403)", () => {
    expect(authorize({ ...base, method: "POST", apiKey: key, origin: "http://evil.example" }, policy)).toMatchObject({ status: 403, code: "BAD_ORIGIN" });
    expect(authorize({ ...base, host: "evil.example:7717", apiKey: key }, policy)).toMatchObject({ status: 403, code: "BAD_HOST" });
    expect(authorize({ ...base, host: undefined, apiKey: key }, policy)).toMatchObject({ status: 403, code: "BAD_HOST" });
  });

  it("lets the session cookie read, but change things only with our Origin and the CSRF token", () => {
    expect(authorize({ ...base, cookie }, policy)).toEqual({ ok: true, via: "cookie" });
    const post = { ...base, method: "POST", cookie };
    expect(authorize({ ...post, origin: page, csrf: csrfToken(key) }, policy)).toEqual({ ok: true, via: "cookie" });
    expect(authorize({ ...post, origin: page }, policy)).toMatchObject({ status: 403, code: "BAD_CSRF" });
    expect(authorize({ ...post, origin: page, csrf: "guess" }, policy)).toMatchObject({ status: 403, code: "BAD_CSRF" });
    expect(authorize({ ...post, csrf: csrfToken(key) }, policy)).toMatchObject({ status: 403, code: "BAD_ORIGIN" });
  });

  it("reads one cookie out of a Cookie header", () => {
    expect(cookieValue("a=1; b=x=y", "b")).toBe("x=y");
    expect(cookieValue(undefined, "b")).toBeUndefined();
  });
});

describe("parseWebSettings", () => {
  it("defaults to loopback on the documented port; 0 means any free port", () => {
    expect(parseWebSettings([])).toEqual({ host: "127.0.0.1", port: 7717, fallback: true });
    expect(parseWebSettings([["herald.webport", "0"]])).toEqual({ host: "127.0.0.1", port: 0 });
  });

  it("refuses a bad port, and a host off this machine without TLS", () => {
    expect(() => parseWebSettings([["herald.webport", "70000"]])).toThrow(/herald\.webPort: expected a port number/);
    expect(() => parseWebSettings([["herald.webport", "-1"]])).toThrow(/herald\.webPort/);
    expect(() => parseWebSettings([["herald.webhost", "0.0.0.0"]])).toThrow(/needs TLS/);
    expect(() => parseWebSettings([["herald.webtlscert", "/c.pem"]])).toThrow(/needs both/);
    expect(parseWebSettings([["herald.webhost", "0.0.0.0"], ["herald.webtlscert", "/c.pem"], ["herald.webtlskey", "/k.pem"]]))
      .toEqual({ host: "0.0.0.0", port: 7717, fallback: true, tls: { cert: "/c.pem", key: "/k.pem" } });
  });
});
