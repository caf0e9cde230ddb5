// Starting the dashboard for a daemon or a single-clone agent, from their settings. Any trouble
// (a bad setting, an unreadable key file, the port in use) is logged and leaves syncing alone.
import type { Machine } from "../machine/machine.js";
import type { Env } from "../machine/paths.js";
import { apiKeyFile, loadApiKey } from "./api-key.js";
import { dashboardOff, startDashboard, type WebServer } from "./server.js";
import { parseWebSettings } from "./settings.js";

/** `now`: the clock login links expire by (tests set it). */
export async function serveDashboard(m: Machine, entries: ReadonlyArray<readonly [string, string]>, env: Env, now?: () => Date): Promise<WebServer> {
  const log = m.log.child("web");
  try {
    return await startDashboard(m, parseWebSettings(entries), await loadApiKey(apiKeyFile(env)), log, now ? () => now().getTime() : Date.now);
  } catch (e) {
    log.error("web-unavailable", { error: (e as Error).message, why: "the dashboard is off; syncing goes on" });
    return dashboardOff((e as Error).message);
  }
}
