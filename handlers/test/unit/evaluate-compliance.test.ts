import { evaluateCompliance, type ComplianceInput } from "../../src/compliance/evaluate-compliance";

const base: ComplianceInput = {
  activity: { legalBasis: "contract", purpose: "orders", piiFieldTypes: ["email", "name"] },
  purpose: { slug: "orders", legalBasis: "contract", status: "active", retentionDays: 365, retentionCriteria: null },
  declaredFieldTypes: ["email", "name"],
  consent: null,
};

describe("evaluateCompliance", () => {
  it("evaluateCompliance with a declared, matching purpose is compliant", () => {
    expect(evaluateCompliance(base)).toEqual({ status: "compliant", notes: 'legal basis contract matches declared purpose "orders"' });
  });

  it("evaluateCompliance without a purpose, or with an undeclared or archived one, is non_compliant", () => {
    expect(evaluateCompliance({ ...base, activity: { ...base.activity, purpose: null }, purpose: null })).toEqual({
      status: "non_compliant",
      notes: "no purpose configured for the integration (Art. 5(1)(b))",
    });
    expect(evaluateCompliance({ ...base, purpose: null }).notes).toBe('purpose "orders" is not declared by the controller (Art. 5(1)(b))');
    expect(evaluateCompliance({ ...base, purpose: { ...base.purpose!, status: "archived" } })).toEqual({ status: "non_compliant", notes: 'purpose "orders" is archived (Art. 5(1)(b))' });
  });

  it("evaluateCompliance with a legal basis other than the purpose's needs review", () => {
    expect(evaluateCompliance({ ...base, activity: { ...base.activity, legalBasis: "legitimate_interests" } })).toEqual({
      status: "needs_review",
      notes: 'legal basis legitimate_interests differs from contract declared for purpose "orders" (Art. 6(1), 13(1)(c))',
    });
  });

  it("evaluateCompliance on consent: granted is compliant, default or unknown needs review, a recorded denial is non_compliant", () => {
    const consent: ComplianceInput = { ...base, activity: { ...base.activity, legalBasis: "consent" }, purpose: { ...base.purpose!, legalBasis: "consent" } };
    expect(evaluateCompliance({ ...consent, consent: { granted: true, sourceFormValueId: "r1" } }).status).toBe("compliant");
    expect(evaluateCompliance({ ...consent, consent: null })).toEqual({ status: "needs_review", notes: "no recorded consent for the purpose (Art. 7(1))" });
    expect(evaluateCompliance({ ...consent, consent: { granted: false, sourceFormValueId: null } }).status).toBe("needs_review");
    expect(evaluateCompliance({ ...consent, consent: { granted: false, sourceFormValueId: "r2" } })).toEqual({
      status: "non_compliant",
      notes: "consent for the purpose was denied or withdrawn (Art. 7(3))",
    });
  });

  it("evaluateCompliance lists undeclared field types and a missing retention rule, worst status first wins", () => {
    const result = evaluateCompliance({
      ...base,
      activity: { ...base.activity, piiFieldTypes: ["email", "phone", "ip_address", "phone"] },
      purpose: { ...base.purpose!, retentionDays: null, retentionCriteria: null },
    });
    expect(result).toEqual({
      status: "needs_review",
      notes: 'field types not declared for the integration: ip_address, phone (Art. 5(1)(c), 30(1)(c)); purpose "orders" has no retention period or criteria (Art. 5(1)(e), 13(2)(a))',
    });
    expect(evaluateCompliance({ ...base, declaredFieldTypes: null, activity: { ...base.activity, piiFieldTypes: ["payment_card"] } }).status).toBe("compliant");
    expect(evaluateCompliance({ ...base, purpose: { ...base.purpose!, retentionDays: null, retentionCriteria: "10 years (tax law)" } }).status).toBe("compliant");
  });
});
