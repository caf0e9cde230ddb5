// Pure rules for how the agent may talk to its XMPP server.

/** Loopback hosts may use plaintext; anything else must be encrypted (STARTTLS or xmpps). */
export function isLoopbackService(service: string): boolean {
  let host: string;
  try {
    host = new URL(service).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * SASL mechanism choice. @xmpp/client 0.14 never picks PLAIN on a plaintext socket and prefers
 * SCRAM-SHA-1, whose JS PBKDF2 costs ~1 s per login (xmpp-test-server.md quirk 2). PLAIN is safe
 * where the channel is encrypted or on loopback, so prefer it there.
 */
export function chooseMechanism(mechanisms: readonly string[], secure: boolean, loopback: boolean): string | undefined {
  if ((secure || loopback) && mechanisms.includes("PLAIN")) return "PLAIN";
  return mechanisms.find((m) => m !== "PLAIN" && m !== "ANONYMOUS");
}

/** Capped exponential backoff for reconnects (xmpp.js reconnects every 1 s forever). */
export function reconnectDelay(attempt: number, baseMs = 250, capMs = 30_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
}
