/**
 * The configuration a new organization starts with. Purposes follow GDPR
 * Art. 6(1) bases and carry a retention period or criteria (Art. 13(2)(a));
 * analytics keeps 13 months (CNIL guidance on audience measurement), marketing
 * consent two years. The cookie banner is opt-in and starts as a draft
 * (privacy-domain.md 8.1, 8.4): only the strictly necessary category is
 * required and pre-granted (Planet49; the schema's check enforces it).
 */
export interface DefaultPurpose {
  slug: string;
  name: string;
  description: string;
  legalBasis: "consent" | "contract" | "legal_obligation" | "legitimate_interests";
  legitimateInterest?: string;
  retentionDays: number | null;
  retentionCriteria?: string;
  isEssential: boolean;
}

export const DEFAULT_PURPOSES: readonly DefaultPurpose[] = [
  {
    slug: "service_delivery",
    name: "Providing our services",
    description: "Processing orders, accounts and customer service requests.",
    legalBasis: "contract",
    retentionDays: 1095,
    isEssential: true,
  },
  {
    slug: "legal_obligations",
    name: "Legal obligations",
    description: "Keeping the accounting and tax records the law requires.",
    legalBasis: "legal_obligation",
    retentionDays: null,
    retentionCriteria: "As long as commercial and tax law require (commonly 6 to 10 years).",
    isEssential: true,
  },
  {
    slug: "security",
    name: "Security and fraud prevention",
    description: "Keeping the service, accounts and payments secure.",
    legalBasis: "legitimate_interests",
    legitimateInterest: "Protecting the service and its users against fraud and abuse.",
    retentionDays: 365,
    isEssential: true,
  },
  {
    slug: "analytics",
    name: "Analytics",
    description: "Measuring how the website is used to improve it.",
    legalBasis: "consent",
    retentionDays: 395,
    isEssential: false,
  },
  {
    slug: "marketing",
    name: "Marketing communications",
    description: "Sending newsletters and offers to people who asked for them.",
    legalBasis: "consent",
    retentionDays: 730,
    isEssential: false,
  },
];

export const DEFAULT_FORM_SLUG = "cookie-banner";

export const DEFAULT_CATEGORIES: readonly { slug: string; title: string; purposeSlug: string; isRequired: boolean; position: number }[] = [
  { slug: "necessary", title: "Strictly necessary", purposeSlug: "security", isRequired: true, position: 0 },
  { slug: "analytics", title: "Analytics", purposeSlug: "analytics", isRequired: false, position: 1 },
  { slug: "marketing", title: "Marketing", purposeSlug: "marketing", isRequired: false, position: 2 },
];

/** Welcome e-mails: template and delay after the organization was created. */
export const WELCOME_SEQUENCE: readonly { template: "welcome_1" | "welcome_2" | "welcome_3"; delayDays: number }[] = [
  { template: "welcome_1", delayDays: 0 },
  { template: "welcome_2", delayDays: 2 },
  { template: "welcome_3", delayDays: 7 },
];
