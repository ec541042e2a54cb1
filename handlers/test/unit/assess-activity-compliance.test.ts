import { assessActivityCompliance, consentDecides, preferenceFor, type ActivityComplianceFacts } from "../../src/compliance/assess-activity-compliance";
import { evaluateCompliance } from "../../src/compliance/evaluate-compliance";

const MARKETING = "8f0c2f43-5d7e-4a0e-9a55-0b1c8a7d2e11";
const OTHER = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed";
const RECORD = "6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b";

const contract: ActivityComplianceFacts = {
  activity: { legalBasis: "contract", purpose: "orders", piiFieldTypes: ["email", "postal_address"] },
  purposeId: OTHER,
  purpose: { slug: "orders", legalBasis: "contract", status: "active", retentionDays: 365, retentionCriteria: null },
  processorConfig: { legalBasis: "contract", purpose: "orders", fieldTypes: ["email"] },
  consent: { kind: "unread" },
};
const consent: ActivityComplianceFacts = {
  activity: { legalBasis: "consent", purpose: "marketing", piiFieldTypes: ["email"] },
  purposeId: MARKETING,
  purpose: { slug: "marketing", legalBasis: "consent", status: "active", retentionDays: 365, retentionCriteria: null },
  processorConfig: { legalBasis: "consent", purpose: "marketing" },
  consent: { kind: "unread" },
};
const AT_INTAKE = { missingConsentIsFinal: false };
const IN_TRIGGER = { missingConsentIsFinal: true };

describe("assessActivityCompliance", () => {
  it("assessActivityCompliance without consent as the basis decides at once, whatever is known of the subject, with evaluateCompliance's result", () => {
    const expected = { status: "needs_review", notes: "field types not declared for the integration: postal_address (Art. 5(1)(c), 30(1)(c))" };
    expect(evaluateCompliance({ activity: contract.activity, purpose: contract.purpose, declaredFieldTypes: ["email"], consent: null })).toEqual(expected);
    for (const known of [{ kind: "unread" }, { kind: "no_subject" }, { kind: "read", preferences: [] }] as const) {
      expect(assessActivityCompliance({ ...contract, consent: known }, AT_INTAKE)).toEqual(expected);
      expect(assessActivityCompliance({ ...contract, consent: known }, IN_TRIGGER)).toEqual(expected);
    }
  });

  it("assessActivityCompliance on consent at intake leaves a new subject, or one without a value for the purpose, undecided", () => {
    expect(assessActivityCompliance(consent, AT_INTAKE)).toBeNull();
    expect(assessActivityCompliance({ ...consent, consent: { kind: "read", preferences: [] } }, AT_INTAKE)).toBeNull();
    expect(assessActivityCompliance({ ...consent, consent: { kind: "read", preferences: [{ purposeId: OTHER, granted: true, sourceFormValueId: RECORD }] } }, AT_INTAKE)).toBeNull();
  });

  it("assessActivityCompliance on consent decides from a stored value, at intake as in the trigger", () => {
    const withValue = (granted: boolean, source: string | null): ActivityComplianceFacts => ({
      ...consent,
      consent: { kind: "read", preferences: [{ purposeId: OTHER, granted: !granted, sourceFormValueId: null }, { purposeId: MARKETING, granted, sourceFormValueId: source }] },
    });
    for (const options of [AT_INTAKE, IN_TRIGGER]) {
      expect(assessActivityCompliance(withValue(false, RECORD), options)).toEqual({ status: "non_compliant", notes: "consent for the purpose was denied or withdrawn (Art. 7(3))" });
      expect(assessActivityCompliance(withValue(false, null), options)).toEqual({ status: "needs_review", notes: "no recorded consent for the purpose (Art. 7(1))" });
      expect(assessActivityCompliance(withValue(true, RECORD), options)).toEqual({ status: "compliant", notes: 'legal basis consent matches declared purpose "marketing"' });
    }
  });

  it("assessActivityCompliance in the trigger takes a missing value as no consent, and an activity without a subject has none either way", () => {
    const none = { status: "needs_review", notes: "no recorded consent for the purpose (Art. 7(1))" };
    expect(assessActivityCompliance({ ...consent, consent: { kind: "read", preferences: [] } }, IN_TRIGGER)).toEqual(none);
    expect(assessActivityCompliance({ ...consent, consent: { kind: "no_subject" } }, AT_INTAKE)).toEqual(none);
    expect(assessActivityCompliance({ ...consent, consent: { kind: "no_subject" } }, IN_TRIGGER)).toEqual(none);
  });

  it("assessActivityCompliance on consent without a declared purpose needs no consent value (nothing to look it up by)", () => {
    const undeclared: ActivityComplianceFacts = { ...consent, purposeId: null, purpose: null };
    expect(assessActivityCompliance(undeclared, AT_INTAKE)).toEqual({
      status: "non_compliant",
      notes: 'purpose "marketing" is not declared by the controller (Art. 5(1)(b)); no recorded consent for the purpose (Art. 7(1))',
    });
  });

  it("consentDecides and preferenceFor", () => {
    expect(consentDecides("consent", MARKETING)).toBe(true);
    expect(consentDecides("consent", null)).toBe(false);
    expect(consentDecides("contract", MARKETING)).toBe(false);
    expect(preferenceFor(MARKETING, [{ purposeId: MARKETING, granted: true, sourceFormValueId: RECORD }])).toEqual({ granted: true, sourceFormValueId: RECORD });
    expect(preferenceFor(null, [{ purposeId: MARKETING, granted: true, sourceFormValueId: RECORD }])).toBeNull();
    expect(preferenceFor(MARKETING, [])).toBeNull();
  });
});
