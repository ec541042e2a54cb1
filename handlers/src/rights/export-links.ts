/**
 * Expiring signed download links for exports (privacy-domain.md 7 [policy]:
 * delivered by an expiring link): `<base>/exports/<requestId>/<file>?expires=<unix s>&kid=<kid>&sig=<hmac>`.
 * The HMAC key is derived (HKDF) from SECRETS_ENCRYPTION_KEYS, so links made
 * with an older key keep working until they expire while keys rotate. Each
 * download is logged with the request id and file, never the client address.
 */
import { createHmac, hkdfSync } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Router, type Request, type Response } from "express";
import { safeEqualSecret, type SecretKeyRing } from "../../../common/src/crypto";
import type { Logger } from "../../../common/src/logger";
import { EXPORT_FILES, type ExportFile } from "./build-export";

const HKDF_INFO = "handlers/rights export download link v1";

function linkKey(ring: SecretKeyRing, kid: string): Buffer | undefined {
  const master = ring.keys.get(kid);
  return master ? Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), HKDF_INFO, 32)) : undefined;
}

function signature(key: Buffer, requestId: string, file: string, expires: number): string {
  return createHmac("sha256", key).update(`${requestId}/${file}:${expires}`).digest("base64url");
}

export function isExportFile(value: string): value is ExportFile {
  return (EXPORT_FILES as readonly string[]).includes(value);
}

/** The download URL of one export file, valid until `expiresAt`. */
export function signExportLink(baseUrl: string, ring: SecretKeyRing, requestId: string, file: ExportFile, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  const key = linkKey(ring, ring.currentKid);
  if (!key) throw new Error("[handlers/rights] current key missing from the key ring");
  const sig = signature(key, requestId, file, expires);
  return `${baseUrl}/exports/${encodeURIComponent(requestId)}/${file}?expires=${expires}&kid=${encodeURIComponent(ring.currentKid)}&sig=${sig}`;
}

export type LinkCheck = { ok: true } | { ok: false; reason: "bad_signature" | "expired" | "unknown_file" };

/** Checks a link's parts against `now`. */
export function checkExportLink(ring: SecretKeyRing, parts: { requestId: string; file: string; expires: string; kid: string; sig: string }, now: Date): LinkCheck {
  if (!isExportFile(parts.file) || !/^[0-9a-f-]{36}$/.test(parts.requestId)) return { ok: false, reason: "unknown_file" };
  const expires = Number(parts.expires);
  const key = linkKey(ring, parts.kid);
  if (!Number.isInteger(expires) || !key) return { ok: false, reason: "bad_signature" };
  if (!safeEqualSecret(parts.sig, signature(key, parts.requestId, parts.file, expires))) return { ok: false, reason: "bad_signature" };
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true };
}

const CONTENT_TYPES: Record<ExportFile, string> = {
  "export.json": "application/json; charset=utf-8",
  "activities.csv": "text/csv; charset=utf-8",
  "consent_records.csv": "text/csv; charset=utf-8",
  "preferences.csv": "text/csv; charset=utf-8",
  "links.csv": "text/csv; charset=utf-8",
  "data-dictionary.txt": "text/plain; charset=utf-8",
};

/** GET /exports/:requestId/:file: streams the file when the link is valid; 404 for any invalid or expired link (no oracle). */
export function exportDownloadRouter(deps: { secretKeys: SecretKeyRing; exportsDir: string; now: () => Date; logger: Logger }): Router {
  const router = Router();
  router.get("/exports/:requestId/:file", async (req: Request, res: Response) => {
    const q = (name: string): string => (typeof req.query[name] === "string" ? (req.query[name] as string) : "");
    const parts = { requestId: String(req.params.requestId), file: String(req.params.file), expires: q("expires"), kid: q("kid"), sig: q("sig") };
    const check = checkExportLink(deps.secretKeys, parts, deps.now());
    const notFound = (): void => {
      res.status(404).json({ error: { code: "not_found", message: "This download link is invalid or has expired." } });
    };
    if (!check.ok) {
      deps.logger.warn({ reason: check.reason }, "export download refused");
      notFound();
      return;
    }
    const path = join(deps.exportsDir, parts.requestId, parts.file);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) {
      notFound();
      return;
    }
    deps.logger.info({ rightsRequestId: parts.requestId, file: parts.file }, "export downloaded");
    res.status(200);
    res.setHeader("content-type", CONTENT_TYPES[parts.file as ExportFile]);
    res.setHeader("content-length", String(info.size));
    res.setHeader("content-disposition", `attachment; filename="${parts.file}"`);
    res.setHeader("cache-control", "no-store");
    createReadStream(path).pipe(res);
  });
  return router;
}
