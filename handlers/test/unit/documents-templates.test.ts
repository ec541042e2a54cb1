/**
 * Document templates: deterministic output from the same sources, escaping
 * of organization text, transfers per regime, the CCPA notice at collection
 * and the assessment's checks.
 */
import { buildDocumentModel } from "../../src/documents/model";
import type { DocumentSources } from "../../src/documents/operations";
import { buildAssessment } from "../../src/documents/templates/assessment";
import { renderCookiePolicy } from "../../src/documents/templates/cookie-policy";
import { esc } from "../../src/documents/templates/markdown";
import { renderPrivacyPolicy } from "../../src/documents/templates/privacy-policy";
import { renderRopa } from "../../src/documents/templates/ropa";

const base: DocumentSources = {
  id: "11111111-1111-4111-8111-111111111111",
  title: "Shop",
  did: "did:web:shop.example",
  details: {
    legalName: "Shop GmbH",
    description: null,
    websiteUrl: "https://shop.example",
    contactEmail: "privacy@shop.example",
    dpoName: null,
    dpoEmail: null,
    addressLine1: "Hauptstr. 1",
    addressLine2: null,
    city: "Berlin",
    postalCode: "10115",
    region: null,
    countryCode: "DE",
    defaultRegime: "gdpr_eu",
    supervisoryAuthority: "Berliner Beauftragte für Datenschutz",
    profileVersion: 2,
  },
  purposes: [
    { slug: "ads", name: "Ads [click](http://evil)", description: null, legalBasis: "consent", legitimateInterest: null, retentionDays: 395, retentionCriteria: null, isEssential: false, isAutomatedDecision: false, isSaleOrSharing: true, version: 1 },
    { slug: "orders", name: "Orders", description: null, legalBasis: "contract", legitimateInterest: null, retentionDays: 1095, retentionCriteria: null, isEssential: true, isAutomatedDecision: false, isSaleOrSharing: false, version: 3 },
  ],
  dataProcessors: [
    { id: "22222222-2222-4222-8222-222222222222", service: "shopify", name: "Shopify store", countryCode: "CA", config: { purpose: "orders" } },
    { id: "33333333-3333-4333-8333-333333333333", service: "stripe", name: "Stripe", countryCode: "IE", config: {} },
  ],
  retentionPolicies: [],
  consentForms: [{ slug: "banner", name: "Banner", regime: "opt_in", honorGpc: true, categories: [{ slug: "ads", title: "Advertising", description: "Ads elsewhere", isRequired: false, purpose: { slug: "ads" } }] }],
  tagManagerAccounts: [{ provider: "google_tag_manager", containerId: "GTM-1", consentModeEnabled: true, tagPurposes: { "meta-pixel": ["ads"] } }],
  generatedDocuments: [],
};

describe("document templates", () => {
  it("render the same text from the same sources", () => {
    const model = buildDocumentModel(base);
    expect(renderPrivacyPolicy(model)).toBe(renderPrivacyPolicy(buildDocumentModel(structuredClone(base))));
  });
  it("escape organization text so it cannot inject links or break tables", () => {
    expect(esc("Ads [click](http://evil) | x")).toBe("Ads \\[click\\](http://evil) \\| x");
    expect(esc("  ")).toBe("—");
    expect(renderPrivacyPolicy(buildDocumentModel(base))).toContain("| Ads \\[click\\](http://evil) |");
  });
  it("lists transfers outside the EEA only, and recipients per purpose", () => {
    const text = renderPrivacyPolicy(buildDocumentModel(base));
    expect(text).toContain("- Shopify in CA");
    expect(text).not.toContain("- Stripe in IE");
    expect(renderRopa(buildDocumentModel(base))).toContain("| Orders | performance of a contract with you (Art. 6(1)(b)) | — | contact details (name, e-mail, phone), order history, postal address | Shopify | Shopify (CA) | 3 years |");
  });
  it("adds the California notice at collection for a CCPA controller", () => {
    const ccpa = { ...base, details: { ...(base.details as NonNullable<DocumentSources["details"]>), defaultRegime: "ccpa" as const } };
    const text = renderPrivacyPolicy(buildDocumentModel(ccpa));
    expect(text).toContain("## Notice at collection (California)");
    expect(text).toContain("we treat a Global Privacy Control signal as a valid opt-out (11 CCR §7025)");
    expect(renderPrivacyPolicy(buildDocumentModel(base))).not.toContain("Notice at collection");
  });
  it("the cookie policy lists categories and the tags they gate", () => {
    const text = renderCookiePolicy(buildDocumentModel(base));
    expect(text).toContain("| Advertising | Ads elsewhere | yes | Ads \\[click\\](http://evil) |");
    expect(text).toContain("- meta-pixel fires only when ads is granted");
  });
  it("the assessment lists what is missing with its rule", () => {
    const assessment = buildAssessment(buildDocumentModel(base));
    expect(assessment.checks.filter((c) => c.status === "action_needed").map((c) => c.id)).toEqual(["dpo", "transfers"]);
    expect(assessment.summary).toEqual({ ok: assessment.checks.length - 2, actionNeeded: 2 });
    expect(assessment.checks.find((c) => c.id === "transfers")?.message).toBe("Document the transfer safeguards (adequacy or standard contractual clauses) for: Shopify.");
  });
});
