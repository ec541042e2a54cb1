/**
 * The WooCommerce ping: on creation or activation WooCommerce POSTs
 * `webhook_id=<id>` form-encoded with no signature and requires exactly 200
 * (spec §5, `WC_Webhook::deliver_ping()`). It is answered and never stored.
 */
import type { RawRequest } from "../types";

export function isWooCommercePing(req: RawRequest): boolean {
  if (req.headers["x-wc-webhook-signature"] !== undefined) return false;
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return false;
  return /^webhook_id=\d{1,20}$/.test(req.body.toString("utf8").trim());
}
