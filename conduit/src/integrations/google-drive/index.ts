/**
 * Google Drive push notifications (spec §17): no body, everything in X-Goog-*
 * headers. The `sync` message right after `watch` is the handshake (200, not
 * stored). Dedupe on channel id + message number.
 */
import { z } from "zod";
import { validate } from "../core";
import { platformId } from "../extract";
import type { Integration } from "../types";
import { verifyGoogleChannel } from "./signature";

export const DriveHeadersSchema = z.object({
  "x-goog-channel-id": z.string().min(1),
  "x-goog-resource-id": z.string().min(1),
  "x-goog-resource-state": z.enum(["sync", "add", "remove", "update", "trash", "untrash", "change"]),
  "x-goog-message-number": z.string().regex(/^\d+$/, "expected a number"),
  "x-goog-changed": z.string().optional(),
});

export const googleDrive: Integration = {
  service: "google-drive",
  signing: "unsigned",
  verify: (req, ctx) => verifyGoogleChannel(req, ctx.config),
  parse(req) {
    const h = validate(DriveHeadersSchema, req.headers, "Drive notification headers");
    if (h["x-goog-resource-state"] === "sync") return { kind: "handshake", note: "google drive sync" };
    return {
      kind: "events",
      events: [{
        eventType: h["x-goog-changed"] ? `${h["x-goog-resource-state"]}.${h["x-goog-changed"]}` : h["x-goog-resource-state"],
        platformEventId: `${h["x-goog-channel-id"]}:${h["x-goog-message-number"]}`,
        pii: platformId("headers.x-goog-resource-id", "record_id", "google-drive:resource", h["x-goog-resource-id"]),
      }],
    };
  },
};
