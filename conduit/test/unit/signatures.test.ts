/**
 * Known-answer tests from integrations spec §20, each signer against its
 * vector and each verifier against the signer, then one thing broken at a time.
 */
import { signCustomerIo, verifyCustomerIo } from "../../src/integrations/customer-io/signature";
import { signStandardWebhook, verifyStandardWebhook } from "../../src/integrations/custom/signature";
import { signHubSpotV1, signHubSpotV2, signHubSpotV3, verifyHubSpot } from "../../src/integrations/hubspot/signature";
import { signKlaviyo, verifyKlaviyo } from "../../src/integrations/klaviyo/signature";
import { signMandrill, verifyMandrill } from "../../src/integrations/mailchimp/signature";
import { signNetSuite, verifyNetSuite } from "../../src/integrations/netsuite/signature";
import { signIntuit, verifyIntuit } from "../../src/integrations/quickbooks/signature";
import { signShopify, verifyShopify } from "../../src/integrations/shopify/signature";
import { signStripe, verifyStripe } from "../../src/integrations/stripe/signature";
import { signSurveyMonkey, verifySurveyMonkey } from "../../src/integrations/survey-monkey/signature";
import type { RawRequest } from "../../src/integrations/types";
import { signWooCommerce, verifyWooCommerce } from "../../src/integrations/woocommerce/signature";
import { signXero, verifyXero } from "../../src/integrations/xero/signature";

function req(body: string, headers: Record<string, string>, url = "https://conduit.example.com/x", method = "POST"): RawRequest {
  return { method, url, headers, body: Buffer.from(body) };
}
const at = (seconds: number) => new Date(seconds * 1000);

const SHOPIFY_BODY = '{"shop_id":954889,"shop_domain":"example.myshopify.com","customer":{"id":191167,"email":"jane@example.com","phone":"555-625-1199"},"orders_to_redact":[1234]}';
const STRIPE_BODY = '{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_1","object":"customer","email":"jane@example.com","name":"Jane Doe"}}}';
const WC_BODY = '{"id":42,"email":"jane@example.com","first_name":"Jane","last_name":"Doe","billing":{"email":"jane@example.com","phone":"555-0100"}}';
const MANDRILL_EVENTS = '[{"event":"send","_id":"abc123","ts":1700000000,"msg":{"ts":1700000000,"_id":"abc123","email":"jane@example.com","subject":"Your receipt","sender":"shop@example.com","state":"sent","metadata":{"user_id":42},"tags":[]}}]';
const MANDRILL_URL = "https://conduit.example.com/integrations/mailchimp/event";
const CIO_BODY = '{"event_id":"01E2EMRMM6TZ12TF9WGZN0WJQT","object_type":"email","metric":"opened","timestamp":1700000000,"data":{"customer_id":"42","email_address":"jane@example.com","identifiers":{"id":"42","email":"jane@example.com"}}}';
const KLAVIYO_BODY = '{"data":[{"topic":"event:klaviyo.subscribed_to_list","external_id":"evt_1","payload":{}}],"meta":{"klaviyo_account_id":"AbC123","klaviyo_webhook_id":"wh_1","timestamp":"2023-11-14T22:13:20+00:00"}}';
const KLAVIYO_TS = "Tue, 14 Nov 2023 22:13:20 GMT";
const QBO_BODY = '{"eventNotifications":[{"realmId":"310687","dataChangeEvent":{"entities":[{"name":"Customer","id":"1234","operation":"Create","lastUpdated":"2025-09-08T20:52:31.657Z"}]}}]}';
const SM_BODY = '{"name":"My Webhook","filter_type":"survey","filter_id":"123456789","event_type":"response_completed","event_id":"123456789","object_type":"response","object_id":"123456","event_datetime":"2016-01-01T21:56:31.182613+00:00","resources":{"respondent_id":"123456789","recipient_id":"123456789","collector_id":"123456789","survey_id":"123456789","user_id":"123456789"}}';
const HS_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
const HS_V1_BODY = '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const XERO_BODY = '{"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"}';
const NS_BODY = '{"recordType":"customer","id":"1001","event":"create","email":"jane@example.com"}';

describe("known-answer vectors (integrations spec §20)", () => {
  test("Shopify", () => expect(signShopify(SHOPIFY_BODY, "test-client-secret")).toBe("wLLr1z52wcoB15vFKER50IlBRMyUsf5knJIUp2ID1zE="));
  test("Stripe", () => expect(signStripe(STRIPE_BODY, "whsec_test_secret", 1700000000)).toBe("t=1700000000,v1=4ddfddaad069e7128fd8d2732cfb3887b245cabf9d7949ae639f6a92698769fb"));
  test("WooCommerce", () => expect(signWooCommerce(WC_BODY, "wc_test_secret")).toBe("oMAcZExho7ZpKUCYMl2r8qDoadNIwjFJ6wjrMliT7EE="));
  test("Mandrill URL check and event batch", () => {
    expect(signMandrill(MANDRILL_URL, [["mandrill_events", "[]"]], "test-webhook")).toBe("YOIvKfblmYwaWzcBGDgDshyvvDk=");
    expect(signMandrill(MANDRILL_URL, [["mandrill_events", MANDRILL_EVENTS]], "mandrill_test_key")).toBe("wJ+bCG5/e+1BJBnz7U8G7AAPfA4=");
  });
  test("Customer.io", () => expect(signCustomerIo(CIO_BODY, "cio_test_signing_key", 1700000000)).toBe("064542f77619ebab21bbd189d9d8534ff586692898f042e2daaac2ff23f1f49b"));
  test("Klaviyo", () => expect(signKlaviyo(KLAVIYO_BODY, "klaviyo_test_secret_0123", KLAVIYO_TS)).toBe("6ce40f45259c62d63d8d9cc2d66546d79aadc36eea339f6757393e5a9f483a60"));
  test("QuickBooks", () => expect(signIntuit(QBO_BODY, "test-verifier-token")).toBe("8wGk/L/eoqo1VVabSdzOfPVu28l6D99oO55d66Z4bYI="));
  test("SurveyMonkey", () => expect(signSurveyMonkey(SM_BODY, "test_client_id", "test_api_secret")).toBe("GJPP/mGSZcZho3Q0PdZROOopeQA="));
  test("HubSpot v1, v2 (published) and v3", () => {
    expect(signHubSpotV1(HS_V1_BODY, HS_SECRET)).toBe("232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de");
    expect(signHubSpotV2("GET", "https://www.example.com/webhook_uri", "", HS_SECRET)).toBe("eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e");
    expect(signHubSpotV2("POST", "https://www.example.com/webhook_uri", '{"example_field":"example_value"}', HS_SECRET)).toBe("9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900");
    expect(signHubSpotV3("POST", "https://www.example.com/webhook_uri", '{"example_field":"example_value"}', HS_SECRET, 1700000000000)).toBe("rQEKkaNUiu+1qGF//O/pw4BCzstSqO1PyUnGICmf+7o=");
  });
  test("Xero", () => expect(signXero(XERO_BODY, "xero_test_webhook_key")).toBe("BpeS+u8KFl8xOHNfqBosJvU9gT7ILHSqofUdXPthY9Q="));
  test("NetSuite (proposed contract)", () => expect(signNetSuite(NS_BODY, "ns_test_secret", 1700000000)).toBe("78f97face7e24a92b117543ab97aa2f5821ab2bf369c83cd8aa1d3b9d23bf830"));
});

describe("verifiers accept the vector and reject one broken element", () => {
  test("verifyShopify: good, body changed, wrong secret, missing header, rotation", () => {
    const h = { "x-shopify-hmac-sha256": "wLLr1z52wcoB15vFKER50IlBRMyUsf5knJIUp2ID1zE=" };
    expect(verifyShopify(req(SHOPIFY_BODY, h), ["test-client-secret"])).toEqual({ ok: true });
    expect(verifyShopify(req(SHOPIFY_BODY.replace("1234", "1235"), h), ["test-client-secret"])).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyShopify(req(SHOPIFY_BODY, h), ["other"])).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyShopify(req(SHOPIFY_BODY, {}), ["test-client-secret"])).toEqual({ ok: false, reason: "missing_signature" });
    expect(verifyShopify(req(SHOPIFY_BODY, h), ["new-secret", "test-client-secret"])).toEqual({ ok: true });
  });
  test("verifyStripe: within tolerance, stale, future, bad v1 before good v1, wrong secret", () => {
    const sig = "t=1700000000,v1=4ddfddaad069e7128fd8d2732cfb3887b245cabf9d7949ae639f6a92698769fb";
    const h = { "stripe-signature": sig };
    expect(verifyStripe(req(STRIPE_BODY, h), ["whsec_test_secret"], at(1700000100))).toEqual({ ok: true });
    expect(verifyStripe(req(STRIPE_BODY, h), ["whsec_test_secret"], at(1700000400))).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verifyStripe(req(STRIPE_BODY, h), ["whsec_test_secret"], at(1699999600))).toEqual({ ok: false, reason: "stale_timestamp" });
    const two = { "stripe-signature": `t=1700000000,v1=${"0".repeat(64)},v1=4ddfddaad069e7128fd8d2732cfb3887b245cabf9d7949ae639f6a92698769fb` };
    expect(verifyStripe(req(STRIPE_BODY, two), ["whsec_test_secret"], at(1700000001))).toEqual({ ok: true });
    expect(verifyStripe(req(STRIPE_BODY, h), ["whsec_other"], at(1700000001))).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyStripe(req(STRIPE_BODY, {}), ["whsec_test_secret"], at(1700000001))).toEqual({ ok: false, reason: "missing_signature" });
  });
  test("verifyWooCommerce and verifyIntuit and verifyXero", () => {
    expect(verifyWooCommerce(req(WC_BODY, { "x-wc-webhook-signature": "oMAcZExho7ZpKUCYMl2r8qDoadNIwjFJ6wjrMliT7EE=" }), ["wc_test_secret"])).toEqual({ ok: true });
    expect(verifyWooCommerce(req(`${WC_BODY} `, { "x-wc-webhook-signature": "oMAcZExho7ZpKUCYMl2r8qDoadNIwjFJ6wjrMliT7EE=" }), ["wc_test_secret"])).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyIntuit(req(QBO_BODY, { "intuit-signature": "8wGk/L/eoqo1VVabSdzOfPVu28l6D99oO55d66Z4bYI=" }), ["test-verifier-token"])).toEqual({ ok: true });
    expect(verifyIntuit(req(QBO_BODY, { "intuit-signature": "8wGk/L/eoqo1VVabSdzOfPVu28l6D99oO55d66Z4bYI=" }), ["x"])).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyXero(req(XERO_BODY, { "x-xero-signature": "BpeS+u8KFl8xOHNfqBosJvU9gT7ILHSqofUdXPthY9Q=" }), ["xero_test_webhook_key"])).toEqual({ ok: true });
    expect(verifyXero(req(XERO_BODY, { "x-xero-signature": "BpeS+u8KFl8xOHNfqBosJvU9gT7ILHSqofUdXPthY9Q=" }), ["nope"])).toEqual({ ok: false, reason: "bad_signature" });
  });
  test("verifyMandrill: signed batch, URL-check with the generic key, wrong URL", () => {
    const body = `mandrill_events=${encodeURIComponent(MANDRILL_EVENTS)}`;
    const h = { "x-mandrill-signature": "wJ+bCG5/e+1BJBnz7U8G7AAPfA4=" };
    expect(verifyMandrill(req(body, h, MANDRILL_URL), ["mandrill_test_key"])).toEqual({ ok: true });
    expect(verifyMandrill(req(body, h, `${MANDRILL_URL}/`), ["mandrill_test_key"])).toEqual({ ok: false, reason: "bad_signature" });
    expect(verifyMandrill(req("mandrill_events=%5B%5D", { "x-mandrill-signature": "YOIvKfblmYwaWzcBGDgDshyvvDk=" }, MANDRILL_URL), ["mandrill_test_key"])).toEqual({ ok: true });
    // The generic key is accepted only for the empty URL check.
    const forged = signMandrill(MANDRILL_URL, [["mandrill_events", MANDRILL_EVENTS]], "test-webhook");
    expect(verifyMandrill(req(body, { "x-mandrill-signature": forged }, MANDRILL_URL), ["mandrill_test_key"])).toEqual({ ok: false, reason: "bad_signature" });
  });
  test("verifyCustomerIo, verifyKlaviyo, verifyNetSuite: timestamps both ways", () => {
    const cio = { "x-cio-signature": "064542f77619ebab21bbd189d9d8534ff586692898f042e2daaac2ff23f1f49b", "x-cio-timestamp": "1700000000" };
    expect(verifyCustomerIo(req(CIO_BODY, cio), ["cio_test_signing_key"], at(1700000299))).toEqual({ ok: true });
    expect(verifyCustomerIo(req(CIO_BODY, cio), ["cio_test_signing_key"], at(1700000301))).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verifyCustomerIo(req(CIO_BODY, { ...cio, "x-cio-timestamp": "1700000001" }), ["cio_test_signing_key"], at(1700000001))).toEqual({ ok: false, reason: "bad_signature" });
    const kl = { "klaviyo-signature": "6ce40f45259c62d63d8d9cc2d66546d79aadc36eea339f6757393e5a9f483a60", "klaviyo-timestamp": KLAVIYO_TS };
    expect(verifyKlaviyo(req(KLAVIYO_BODY, kl), ["klaviyo_test_secret_0123"], at(1700000010))).toEqual({ ok: true });
    expect(verifyKlaviyo(req(KLAVIYO_BODY, kl), ["klaviyo_test_secret_0123"], at(1700001000))).toEqual({ ok: false, reason: "stale_timestamp" });
    const ns = { "x-netsuite-signature": "78f97face7e24a92b117543ab97aa2f5821ab2bf369c83cd8aa1d3b9d23bf830", "x-netsuite-timestamp": "1700000000" };
    expect(verifyNetSuite(req(NS_BODY, ns), ["ns_test_secret"], at(1700000000))).toEqual({ ok: true });
    expect(verifyNetSuite(req(NS_BODY, ns), ["ns_test_secret"], at(1699999000))).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verifyNetSuite(req(NS_BODY, { "x-netsuite-signature": "61d911a2938d323ce584505505a077d56f7c4f82e1e9dbbc90fcb0b54f511cf0", "x-netsuite-timestamp": "1700000000" }), ["ns_test_secret"], at(1700000000))).toEqual({ ok: false, reason: "bad_signature" });
  });
  test("verifySurveyMonkey picks secrets by Sm-Apikey", () => {
    const h = { "sm-signature": "GJPP/mGSZcZho3Q0PdZROOopeQA=", "sm-apikey": "test_client_id" };
    expect(verifySurveyMonkey(req(SM_BODY, h), ["other_id&x", "test_client_id&test_api_secret"])).toEqual({ ok: true });
    expect(verifySurveyMonkey(req(SM_BODY, h), ["test_client_id&wrong"])).toEqual({ ok: false, reason: "bad_signature" });
  });
  test("verifyHubSpot v3 (with + mangled to space), v2, v1, stale v3", () => {
    const body = '{"example_field":"example_value"}';
    const v3 = { "x-hubspot-signature-v3": "rQEKkaNUiu 1qGF//O/pw4BCzstSqO1PyUnGICmf 7o=", "x-hubspot-request-timestamp": "1700000000000" };
    expect(verifyHubSpot(req(body, v3, "https://www.example.com/webhook_uri"), [HS_SECRET], at(1700000100))).toEqual({ ok: true });
    expect(verifyHubSpot(req(body, v3, "https://www.example.com/webhook_uri"), [HS_SECRET], at(1700000301))).toEqual({ ok: false, reason: "stale_timestamp" });
    const v2 = { "x-hubspot-signature": "9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900", "x-hubspot-signature-version": "v2" };
    expect(verifyHubSpot(req(body, v2, "https://www.example.com/webhook_uri"), [HS_SECRET], at(0))).toEqual({ ok: true });
    const v1 = { "x-hubspot-signature": "232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de", "x-hubspot-signature-version": "v1" };
    expect(verifyHubSpot(req(HS_V1_BODY, v1), [HS_SECRET], at(0))).toEqual({ ok: true });
    expect(verifyHubSpot(req(HS_V1_BODY, v1), ["other"], at(0))).toEqual({ ok: false, reason: "bad_signature" });
  });
  test("verifyStandardWebhook: good, replayed late, tampered", () => {
    const secret = `whsec_${Buffer.alloc(32, 5).toString("base64")}`;
    const h = { "webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": signStandardWebhook("msg_1", 1700000000, '{"a":1}', secret) };
    expect(verifyStandardWebhook(req('{"a":1}', h), [secret], at(1700000000))).toEqual({ ok: true });
    expect(verifyStandardWebhook(req('{"a":1}', h), [secret], at(1700000400))).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(verifyStandardWebhook(req('{"a":2}', h), [secret], at(1700000000))).toEqual({ ok: false, reason: "bad_signature" });
  });
});
