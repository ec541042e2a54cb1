/**
 * An exact, case-insensitive match for `_ilike`: the address is escaped so
 * `%` and `_` in it match only themselves (auth.users compares addresses
 * case-insensitively, privacy-domain.md 12.3).
 */
export function exactIlike(value: string): string {
  return value.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
}
