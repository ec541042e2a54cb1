/**
 * UTC timestamps in the JSON form Hasura writes (its JSON library, aeson, prints
 * UTCTime as `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff]Z`: no fraction when it is zero,
 * three digits when whole milliseconds, else six for Postgres' microseconds).
 *
 * SQL renders the instant with `UTC_TEXT_SQL(...)` as fixed-width text in UTC;
 * `formatUtcTimestamp` turns that text into Hasura's spelling.
 */

/** SQL expression: a `timestamp` column (already UTC) as `YYYY-MM-DDTHH24:MI:SS.US` text. */
export function utcTextOfTimestamp(column: string): string {
  return `to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
}

/** SQL expression: a `timestamptz` column as UTC `YYYY-MM-DDTHH24:MI:SS.US` text. */
export function utcTextOfTimestamptz(column: string): string {
  return `to_char(${column} at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
}

/** `2024-05-09T08:03:05.402964` → `2024-05-09T08:03:05.402964Z`; `.400000` → `.400Z`; `.000000` → `Z`. */
export function formatUtcTimestamp(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!match) throw new Error(`[engine/events] not a timestamp: ${text}`);
  const micros = (match[2] ?? "").padEnd(6, "0");
  if (/^0+$/.test(micros)) return `${match[1]}Z`;
  if (micros.endsWith("000")) return `${match[1]}.${micros.slice(0, 3)}Z`;
  return `${match[1]}.${micros}Z`;
}

/** A JS Date in the same spelling (millisecond precision). */
export function formatDate(date: Date): string {
  return formatUtcTimestamp(date.toISOString().replace("Z", ""));
}
