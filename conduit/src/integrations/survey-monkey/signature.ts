/**
 * SurveyMonkey: `Sm-Signature` = base64(HMAC-SHA1(`{client_id}&{client_secret}`,
 * raw body)); `Sm-Apikey` names the app (integrations spec §12). The stored
 * signing secret is the joined `client_id&client_secret` string.
 */
import { hmac, verifyDigest } from "../core";
import type { RawRequest, Verification } from "../types";

export function signSurveyMonkey(body: string | Buffer, clientId: string, clientSecret: string): string {
  return hmac("sha1", `${clientId}&${clientSecret}`, body).toString("base64");
}

export function verifySurveyMonkey(req: RawRequest, secrets: readonly string[]): Verification {
  const apiKey = req.headers["sm-apikey"];
  // Sm-Apikey is the client id: use only secrets issued to that app.
  const matching = apiKey ? secrets.filter((s) => s.startsWith(`${apiKey}&`)) : secrets;
  return verifyDigest(req.headers["sm-signature"], matching.length > 0 ? matching : secrets, (s) => hmac("sha1", s, req.body), "base64");
}
