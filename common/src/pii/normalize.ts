/**
 * Canonical forms, applied before hashing so the same person yields the same
 * hash wherever the value came from (privacy-domain spec §12.3). Each function
 * returns the canonical string or `undefined` when the value cannot be a valid
 * instance of its type ("reject rather than hash garbage", §12.3 Phone 2).
 */
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { PiiType } from "./taxonomy";

/** Whitespace including Unicode spaces (§12.3 E-mail 1). */
const EDGE_SPACE = /^[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+|[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+$/g;
const INNER_SPACE = /[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+/g;

function trimAll(value: string): string {
  return value.replace(EDGE_SPACE, "");
}

/**
 * E-mail per §12.3: trim, strip `mailto:` or `<…>`, NFC, split at the last
 * `@`, IDNA the domain, lowercase both parts, drop a trailing dot; at most 254
 * characters. Dots and `+tags` are kept (provider-specific, §12.3 E-mail 6).
 */
export function canonicalEmail(raw: string): string | undefined {
  let value = trimAll(raw);
  if (/^mailto:/i.test(value)) value = value.slice(7);
  if (value.startsWith("<") && value.endsWith(">")) value = value.slice(1, -1);
  value = trimAll(value).normalize("NFC");
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) return undefined;
  const local = value.slice(0, at).toLowerCase();
  let domain = value.slice(at + 1).toLowerCase();
  if (domain.endsWith(".")) domain = domain.slice(0, -1);
  if (/\s/.test(local) || domain.length === 0) return undefined;
  const asciiDomain = domainToASCII(domain);
  if (asciiDomain === "" || !asciiDomain.includes(".")) return undefined;
  const result = `${local}@${asciiDomain}`;
  return result.length <= 254 ? result : undefined;
}

/**
 * Phone per §12.3: parsed with libphonenumber against `defaultRegion` unless it
 * has a `+`/`00` prefix; invalid numbers rejected; E.164 without extension.
 */
export function canonicalPhone(raw: string, defaultRegion?: string): string | undefined {
  let value = trimAll(raw);
  if (value.startsWith("00")) value = `+${value.slice(2)}`;
  const region = defaultRegion && /^[A-Z]{2}$/.test(defaultRegion) ? (defaultRegion as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(value, region ? { defaultCountry: region } : undefined);
  if (!parsed || !parsed.isValid()) return undefined;
  return parsed.number; // E.164; the extension is a separate property and is dropped
}

/** Free text that names a person or place: NFC, spaces collapsed, lowercased. */
export function canonicalText(raw: string): string | undefined {
  const value = trimAll(raw).normalize("NFC").replace(INNER_SPACE, " ").toLowerCase();
  return value.length > 0 ? value : undefined;
}

/** IPv4 dotted quad or IPv6 in its compressed lowercase form; IPv4-mapped IPv6 becomes IPv4. */
export function canonicalIp(raw: string): string | undefined {
  const value = trimAll(raw);
  const version = isIP(value);
  if (version === 4) return value.split(".").map((o) => String(Number(o))).join(".");
  if (version !== 6) return undefined;
  // new URL() prints an IPv6 host in RFC 5952 form (lowercase, longest zero run compressed).
  const host = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = parseInt(mapped[1], 16);
    const lo = parseInt(mapped[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return host;
}

/** Date of birth as ISO `YYYY-MM-DD`, from ISO dates or date-times; impossible dates rejected. */
export function canonicalDate(raw: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(trimAll(raw));
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[0]) return undefined;
  return match[0];
}

/** Options a canonicaliser may need. */
export interface CanonicalOptions {
  /** ISO 3166 alpha-2 region for national phone numbers (the record's country, else the controller's default). */
  defaultRegion?: string;
}

/**
 * The canonical form of `raw` as a value of `type`, or undefined when it is not
 * valid. Platform ids (`customer_id`, `record_id`) must already be namespaced by
 * the caller (`shopify:{shop}:{id}`, §12.3) and are kept case-sensitive.
 */
export function canonicalize(type: PiiType, raw: string, options: CanonicalOptions = {}): string | undefined {
  switch (type) {
    case "email":
      return canonicalEmail(raw);
    case "phone":
      return canonicalPhone(raw, options.defaultRegion);
    case "ip_address":
      return canonicalIp(raw);
    case "date_of_birth":
      return canonicalDate(raw);
    case "customer_id":
    case "record_id":
    case "payment_card": {
      const value = trimAll(raw).normalize("NFC");
      return value.length > 0 ? value : undefined;
    }
    case "country":
    case "postal_code":
      return canonicalText(raw)?.replace(/ /g, "");
    case "name":
    case "first_name":
    case "last_name":
    case "postal_address":
    case "city":
    case "username":
    case "user_agent":
    case "geolocation":
    case "free_text":
      return canonicalText(raw);
    default: {
      const unreachable: never = type;
      throw new Error(`[common/pii] unknown PII type ${String(unreachable)}`);
    }
  }
}
