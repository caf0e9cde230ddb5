// GET /api/events: the event log as server-sent events. Each event's `id:` is its number, so a
// browser's EventSource resumes by itself (Last-Event-ID) and a client that sees a gap asks
// again with ?since=ID. Events too old to replay: a `reset` event says to reload everything.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { EventLog, WebEvent } from "../machine/event-log.js";

/** A comment line now and then, so proxies and the browser keep an idle stream open. */
const KEEPALIVE_MS = 15_000;

export function eventStream(c: Context, log: EventLog): Response {
  const asked = c.req.query("since") ?? c.req.header("Last-Event-ID");
  const since = asked !== undefined && /^\d{1,15}$/.test(asked) ? Number(asked) : null;
  return streamSSE(c, async (stream) => {
    // Writes go out one after another, in id order, whatever their size.
    let chain = Promise.resolve();
    const send = (msg: { id?: string; event?: string; data: string }) => { chain = chain.then(() => stream.writeSSE(msg)).catch(() => undefined); };
    const event = (e: WebEvent) => send({ id: String(e.id), data: JSON.stringify(e) });
    // Backlog and subscription in one synchronous step: no event falls between them.
    const backlog = since === null ? [] : log.since(since);
    if (backlog === null) send({ event: "reset", data: JSON.stringify({ last: log.last }) });
    else if (since === null) send({ event: "ready", data: JSON.stringify({ last: log.last }) });
    backlog?.forEach(event);
    const off = log.listen(event);
    const keepalive = setInterval(() => { chain = chain.then(() => stream.write(": keepalive\n\n")).then(() => undefined, () => undefined); }, KEEPALIVE_MS);
    await new Promise<void>((resolve) => stream.onAbort(resolve));
    off();
    clearInterval(keepalive);
  });
}
