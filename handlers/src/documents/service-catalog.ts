/**
 * What each supported integration is used for, by service name
 * (data_processors.service): its display name, the purposes it implies
 * (generate_controller_purposes creates the missing ones) and the categories
 * of personal data it typically carries (for the Art. 30 record and the
 * Art. 13/14 notice). The purposes' lawful bases follow the usual analysis:
 * orders and payments are contract (Art. 6(1)(b)); bookkeeping is a legal
 * obligation (Art. 6(1)(c), e.g. tax record keeping); e-mail marketing is
 * consent (Art. 6(1)(a); ePrivacy Art. 13); CRM follow-up is legitimate
 * interests (Art. 6(1)(f), Recital 47), with the interest stated.
 */
import type { DefaultPurpose } from "../controllers/defaults";

/** A purpose an integration implies: the shape of a default purpose, never essential. */
export type DerivedPurpose = Omit<DefaultPurpose, "isEssential">;

export interface ServiceProfile {
  displayName: string;
  dataCategories: readonly string[];
  purposes: readonly DerivedPurpose[];
}

const ORDERS: DerivedPurpose = {
  slug: "order_fulfilment",
  name: "Order fulfilment",
  description: "Processing and delivering orders, returns and customer service.",
  legalBasis: "contract",
  retentionDays: 365 * 3,
};
const PAYMENTS: DerivedPurpose = {
  slug: "payment_processing",
  name: "Payment processing",
  description: "Taking payments, refunds and preventing payment fraud.",
  legalBasis: "contract",
  retentionDays: 365 * 3,
};
const BOOKKEEPING: DerivedPurpose = {
  slug: "bookkeeping",
  name: "Bookkeeping and tax records",
  description: "Keeping invoices and accounting records the law requires.",
  legalBasis: "legal_obligation",
  retentionDays: null,
  retentionCriteria: "As long as commercial and tax law requires (typically 6 to 10 years).",
};
const EMAIL_MARKETING: DerivedPurpose = {
  slug: "email_marketing",
  name: "E-mail marketing",
  description: "Sending newsletters and offers to people who asked for them.",
  legalBasis: "consent",
  retentionDays: 365 * 2,
};
const CRM: DerivedPurpose = {
  slug: "customer_relationship",
  name: "Customer relationship management",
  description: "Keeping track of contacts with customers and prospects.",
  legalBasis: "legitimate_interests",
  legitimateInterest: "Answering enquiries and following up on business relationships.",
  retentionDays: 365 * 2,
};
const EVENTS: DerivedPurpose = {
  slug: "event_management",
  name: "Event registration",
  description: "Registering attendees and running events.",
  legalBasis: "contract",
  retentionDays: 365,
};
const SURVEYS: DerivedPurpose = {
  slug: "surveys",
  name: "Surveys and feedback",
  description: "Collecting answers to surveys people chose to take.",
  legalBasis: "consent",
  retentionDays: 365,
};
const RESERVATIONS: DerivedPurpose = {
  slug: "reservations",
  name: "Reservations",
  description: "Taking and managing bookings and stays.",
  legalBasis: "contract",
  retentionDays: 365 * 3,
};
const FILE_STORAGE: DerivedPurpose = {
  slug: "document_storage",
  name: "Document storage",
  description: "Storing documents that contain personal data for the business.",
  legalBasis: "legitimate_interests",
  legitimateInterest: "Keeping the records needed to run the business.",
  retentionDays: 365 * 3,
};

const CONTACT = ["contact details (name, e-mail, phone)"];

export const SERVICE_CATALOG: Readonly<Record<string, ServiceProfile>> = {
  shopify: { displayName: "Shopify", dataCategories: [...CONTACT, "postal address", "order history"], purposes: [ORDERS] },
  woocommerce: { displayName: "WooCommerce", dataCategories: [...CONTACT, "postal address", "order history"], purposes: [ORDERS] },
  stripe: { displayName: "Stripe", dataCategories: [...CONTACT, "payment details", "transaction history"], purposes: [PAYMENTS] },
  mailchimp: { displayName: "Mailchimp", dataCategories: ["e-mail address", "name", "subscription status", "engagement data"], purposes: [EMAIL_MARKETING] },
  "mailchimp-marketing": { displayName: "Mailchimp Marketing", dataCategories: ["e-mail address", "name", "subscription status", "engagement data"], purposes: [EMAIL_MARKETING] },
  "customer-io": { displayName: "Customer.io", dataCategories: ["e-mail address", "name", "subscription status", "engagement data"], purposes: [EMAIL_MARKETING] },
  klaviyo: { displayName: "Klaviyo", dataCategories: ["e-mail address", "name", "subscription status", "engagement data"], purposes: [EMAIL_MARKETING] },
  quickbooks: { displayName: "QuickBooks", dataCategories: [...CONTACT, "invoices"], purposes: [BOOKKEEPING] },
  xero: { displayName: "Xero", dataCategories: [...CONTACT, "invoices"], purposes: [BOOKKEEPING] },
  netsuite: { displayName: "NetSuite", dataCategories: [...CONTACT, "invoices", "order history"], purposes: [BOOKKEEPING, ORDERS] },
  eventbrite: { displayName: "Eventbrite", dataCategories: [...CONTACT, "attendance"], purposes: [EVENTS] },
  "survey-monkey": { displayName: "SurveyMonkey", dataCategories: ["e-mail address", "survey answers"], purposes: [SURVEYS] },
  hubspot: { displayName: "HubSpot", dataCategories: [...CONTACT, "company", "interaction history"], purposes: [CRM] },
  salesforce: { displayName: "Salesforce", dataCategories: [...CONTACT, "company", "interaction history"], purposes: [CRM] },
  "google-drive": { displayName: "Google Drive", dataCategories: ["documents containing personal data"], purposes: [FILE_STORAGE] },
  "sabre-synxis": { displayName: "Sabre SynXis", dataCategories: [...CONTACT, "stay details", "payment details"], purposes: [RESERVATIONS] },
  custom: { displayName: "Custom integration", dataCategories: [], purposes: [] },
};

export function serviceProfile(service: string): ServiceProfile {
  return SERVICE_CATALOG[service] ?? { displayName: service, dataCategories: [], purposes: [] };
}
