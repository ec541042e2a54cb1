/**
 * Global Privacy Control (privacy-domain.md 8.5). The signal is the
 * `Sec-GPC: 1` request header, which Hasura forwards to the action with the
 * client's other headers.
 *
 * Where a law makes GPC a valid opt-out of sale/sharing and targeted
 * advertising (California 11 CCR §7025 and Civ. Code §1798.135; Colorado from
 * 1 July 2024; Connecticut, and the other US states with a universal opt-out
 * mechanism listed below), it is honoured even when the form's `honor_gpc`
 * switch is off. Everywhere else the platform policy applies: honoured when the
 * form says so (the default). It only ever denies sale/sharing purposes; in
 * the EU it is not a withdrawal of unrelated consents.
 */

/** US states whose law requires honouring a universal opt-out signal (ISO 3166-2 codes). */
export const GPC_REQUIRED_JURISDICTIONS: ReadonlySet<string> = new Set([
  "US-CA", // Cal. Civ. Code §1798.135(e); 11 CCR §7025
  "US-CO", // Colo. Rev. Stat. §6-1-1306(1)(a)(IV)(B), from 1 Jul 2024
  "US-CT", // Conn. Gen. Stat. §42-520(a)(6), from 1 Jan 2025
  "US-DE", // Del. Code tit. 6 §12D-106
  "US-MD", // Maryland Online Data Privacy Act §14-4607
  "US-MN", // Minn. Stat. §325O.05
  "US-MT", // Mont. Code §30-14-2808
  "US-NE", // Neb. Rev. Stat. §87-1107
  "US-NH", // N.H. RSA 507-H:6
  "US-NJ", // N.J. Stat. §56:8-166.11
  "US-OR", // Or. Rev. Stat. §646A.578
  "US-TX", // Tex. Bus. & Com. Code §541.055(e)
]);

/** Where the edge puts the visitor's coarse location (e.g. "US-CA", "DE"); privacy-domain.md 8.2 `jurisdiction`. */
export const JURISDICTION_HEADER = "x-privacy-jurisdiction";

export function gpcSignal(headers: Readonly<Record<string, string>>): boolean {
  return headers["sec-gpc"]?.trim() === "1";
}

/** A coarse jurisdiction code, or null when the header is absent or malformed. */
export function jurisdictionOf(headers: Readonly<Record<string, string>>): string | null {
  const value = headers[JURISDICTION_HEADER]?.trim().toUpperCase();
  return value && /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/.test(value) ? value : null;
}

/** Whether a GPC signal must be applied to this request. */
export function gpcApplies(input: { signal: boolean; honorGpc: boolean; jurisdiction: string | null }): boolean {
  if (!input.signal) return false;
  return input.honorGpc || (input.jurisdiction !== null && GPC_REQUIRED_JURISDICTIONS.has(input.jurisdiction));
}
