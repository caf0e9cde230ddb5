// XEP-0082 (XMPP Date and Time Profiles) "DateTime": CCYY-MM-DDThh:mm:ss[.sss]TZD.
// Herald writes UTC with milliseconds, exactly Date#toISOString; it reads any XEP-0082 DateTime.

/** 9999-12-31T23:59:59.999Z: the last instant with a four-digit (CCYY) year. */
export const MAX_TIMESTAMP = 253402300799999;
/** Longest DateTime accepted: nanosecond fraction and a numeric offset. */
export const MAX_DATETIME_LENGTH = "1970-01-01T00:00:00.000000000+00:00".length;

/** Milliseconds since the Unix epoch that Herald can put on the wire: integer, 1970 to 9999. */
export function isTimestamp(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= MAX_TIMESTAMP;
}

/** Formats `ms` as an XEP-0082 DateTime in UTC with milliseconds, e.g. 2026-11-25T16:45:06.123Z. */
export function formatDateTime(ms: number): string {
  if (!isTimestamp(ms)) throw new RangeError(`not a timestamp Herald can format: ${ms}`);
  return new Date(ms).toISOString();
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an XEP-0082 DateTime to milliseconds since the epoch, or null if it is malformed, names
 * an impossible date (Feb 30, hour 24, leap second 60) or lies outside 1970..9999.
 * Digits past milliseconds are truncated.
 */
export function parseDateTime(text: string): number | null {
  if (typeof text !== "string" || text.length > MAX_DATETIME_LENGTH) return null;
  const m = DATETIME.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return null; // day overflowed into the next month
  date.setUTCHours(hour, minute, second, ms);
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offHours = Number(m[10]);
    const offMinutes = Number(m[11]);
    if (offHours > 14 || offMinutes > 59) return null; // XML Schema bounds offsets at ±14:00
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (offHours * 60 + offMinutes);
  }
  const result = date.getTime() - offsetMinutes * 60_000;
  return isTimestamp(result) ? result : null;
}
