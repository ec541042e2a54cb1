import { assessActivityCompliance, consentDecides, preferenceFor, type ActivityComplianceFacts, type SubjectConsent } from "../../src/compliance/assess-activity-compliance";
import { evaluateCompliance, type ComplianceInput } from "../../src/compliance/evaluate-compliance";

const NEWSLETTER = "8f0c2f43-5d7e-4a0e-9a55-0b1c8a7d2e11";
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
  activity: { legalBasis: "consent", purpose: "newsletter", piiFieldTypes: ["email"] },
  purposeId: NEWSLETTER,
  purpose: { slug: "newsletter", legalBasis: "consent", status: "active", retentionDays: 365, retentionCriteria: null },
  processorConfig: { legalBasis: "consent", purpose: "newsletter" },
  consent: { kind: "unread" },
};
const GRANT_MAY_FOLLOW = { defaultGrantMayFollow: true };
const NOTHING_TO_WAIT_FOR = { defaultGrantMayFollow: false };
const NO_RECORD = { status: "needs_review", notes: "no recorded consent for the purpose (Art. 7(1))" };
const ALL_KINDS: SubjectConsent[] = [{ kind: "unread" }, { kind: "new" }, { kind: "no_subject" }, { kind: "read", preferences: [] }];

describe("assessActivityCompliance", () => {
  it("assessActivityCompliance without consent as the basis decides at once, whatever is known of the subject, with evaluateCompliance's result", () => {
    const expected = { status: "needs_review", notes: "field types not declared for the integration: postal_address (Art. 5(1)(c), 30(1)(c))" };
    expect(evaluateCompliance({ activity: contract.activity, purpose: contract.purpose, declaredFieldTypes: ["email"], consent: null })).toEqual(expected);
    for (const known of ALL_KINDS) {
      expect(assessActivityCompliance({ ...contract, consent: known }, GRANT_MAY_FOLLOW)).toEqual(expected);
      expect(assessActivityCompliance({ ...contract, consent: known }, NOTHING_TO_WAIT_FOR)).toEqual(expected);
    }
  });

  it("evaluateCompliance gives a default denial (no consent record) and no value the same result, which lets the intake decide before the default is written", () => {
    const input: ComplianceInput = { activity: consent.activity, purpose: consent.purpose, declaredFieldTypes: null, consent: null };
    expect(evaluateCompliance({ ...input, consent: { granted: false, sourceFormValueId: null } })).toEqual(evaluateCompliance(input));
    expect(evaluateCompliance(input)).toEqual(NO_RECORD);
    expect(evaluateCompliance({ ...input, consent: { granted: true, sourceFormValueId: null } })).toEqual({ status: "compliant", notes: 'legal basis consent matches declared purpose "newsletter"' });
  });

  it("assessActivityCompliance on consent leaves a subject the read did not return undecided", () => {
    expect(assessActivityCompliance(consent, GRANT_MAY_FOLLOW)).toBeNull();
    expect(assessActivityCompliance(consent, NOTHING_TO_WAIT_FOR)).toBeNull();
  });

  it("assessActivityCompliance on consent without a stored value decides unless a default grant may still be written", () => {
    const readNone: ActivityComplianceFacts = { ...consent, consent: { kind: "read", preferences: [{ purposeId: OTHER, granted: true, sourceFormValueId: RECORD }] } };
    for (const facts of [{ ...consent, consent: { kind: "new" } } as const, readNone]) {
      expect(assessActivityCompliance(facts, GRANT_MAY_FOLLOW)).toBeNull();
      expect(assessActivityCompliance(facts, NOTHING_TO_WAIT_FOR)).toEqual(NO_RECORD);
    }
  });

  it("assessActivityCompliance on consent decides from a stored value, whatever default may follow", () => {
    const withValue = (granted: boolean, source: string | null): ActivityComplianceFacts => ({
      ...consent,
      consent: { kind: "read", preferences: [{ purposeId: OTHER, granted: !granted, sourceFormValueId: null }, { purposeId: NEWSLETTER, granted, sourceFormValueId: source }] },
    });
    for (const options of [GRANT_MAY_FOLLOW, NOTHING_TO_WAIT_FOR]) {
      expect(assessActivityCompliance(withValue(false, RECORD), options)).toEqual({ status: "non_compliant", notes: "consent for the purpose was denied or withdrawn (Art. 7(3))" });
      expect(assessActivityCompliance(withValue(false, null), options)).toEqual(NO_RECORD);
      expect(assessActivityCompliance(withValue(true, RECORD), options)).toEqual({ status: "compliant", notes: 'legal basis consent matches declared purpose "newsletter"' });
    }
  });

  it("assessActivityCompliance on consent without a subject, or without a declared purpose, needs no value", () => {
    expect(assessActivityCompliance({ ...consent, consent: { kind: "no_subject" } }, GRANT_MAY_FOLLOW)).toEqual(NO_RECORD);
    const undeclared: ActivityComplianceFacts = { ...consent, purposeId: null, purpose: null };
    for (const known of ALL_KINDS) {
      expect(assessActivityCompliance({ ...undeclared, consent: known }, GRANT_MAY_FOLLOW)).toEqual({
        status: "non_compliant",
        notes: 'purpose "newsletter" is not declared by the controller (Art. 5(1)(b)); no recorded consent for the purpose (Art. 7(1))',
      });
    }
  });

  it("consentDecides and preferenceFor", () => {
    expect(consentDecides("consent", NEWSLETTER)).toBe(true);
    expect(consentDecides("consent", null)).toBe(false);
    expect(consentDecides("contract", NEWSLETTER)).toBe(false);
    expect(preferenceFor(NEWSLETTER, [{ purposeId: NEWSLETTER, granted: true, sourceFormValueId: RECORD }])).toEqual({ granted: true, sourceFormValueId: RECORD });
    expect(preferenceFor(null, [{ purposeId: NEWSLETTER, granted: true, sourceFormValueId: RECORD }])).toBeNull();
    expect(preferenceFor(NEWSLETTER, [])).toBeNull();
  });
});
