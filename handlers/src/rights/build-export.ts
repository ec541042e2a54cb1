/**
 * The access and portability export (privacy-domain.md 5, 7): written to
 * <exportsDir>/<requestId>/ as `export.json` (canonical, versioned, ISO 8601
 * UTC, UTF-8), one CSV per record type and a data dictionary. Activities are
 * read in keyset pages through GraphQL and written as they arrive, with the
 * stream's backpressure respected: a subject with 100,000 activities is never
 * held in memory, only the page in hand and the Art. 15(1) summary sets.
 *
 * Access (Art. 15, CCPA 1798.110) holds every record of the subject and of
 * every subject merged into it, consent records, preferences, the
 * pseudonymous links (types and dates, never hashes: section 5 "do not include
 * secrets") and the Art. 15(1)(a)-(h) information. Portability (Art. 20)
 * holds only what the subject provided or was observed doing under consent or
 * contract; nothing inferred (compliance assessments) and no Art. 15 summary.
 */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { HandlersSdk } from "../adapters/sdk";
import type { ActivityRow, ExportProcessor, ExportPurpose } from "./operations";

export const EXPORT_SCHEMA_VERSION = 1;
export const EXPORT_FILES = ["export.json", "activities.csv", "consent_records.csv", "preferences.csv", "links.csv", "data-dictionary.txt"] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

const PAGE_SIZE = 5000;
const PORTABLE_BASES = new Set(["consent", "contract"]);

export interface ExportDeps {
  sdk: Pick<HandlersSdk, "FindSubjectsForRights" | "PageSubjectActivities" | "FindSubjectConsent" | "FindExportLookups">;
  exportsDir: string;
  now: () => Date;
}

export interface ExportRequest {
  requestId: string;
  controllerId: string;
  kind: "access" | "portability";
  organization: string;
  supervisoryAuthority: string | null;
  receivedAt: string;
  /** The verified subject (null: no personal data held). */
  subjectId: string | null;
}

export interface ExportSummary {
  directory: string;
  files: ExportFile[];
  subjects: number;
  activities: number;
  consentRecords: number;
  preferences: number;
}

/** A CSV field per RFC 4180: quoted when it holds a comma, quote or line break; leading formula characters neutralised. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = Array.isArray(value) ? value.join(";") : typeof value === "object" ? JSON.stringify(value) : String(value);
  // Spreadsheet formula injection (OWASP CSV injection): prefix with a quote.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

class Sink {
  private readonly stream: WriteStream;
  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: "utf8" });
  }
  async write(chunk: string): Promise<void> {
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

const ACTIVITY_COLUMNS = ["id", "occurred_at", "event_type", "source_service", "source_name", "purpose", "legal_basis", "data_categories"] as const;

function activityJson(a: ActivityRow, processor: ExportProcessor | undefined, purpose: ExportPurpose | undefined, kind: ExportRequest["kind"]): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: a.id,
    occurredAt: new Date(a.triggeredAt).toISOString(),
    eventType: a.eventType,
    source: processor ? { service: processor.service, name: processor.name } : null,
    purpose: purpose?.name ?? a.purpose,
    legalBasis: a.legalBasis,
    dataCategories: a.piiFieldTypes,
  };
  if (kind === "access") base.complianceStatus = a.complianceStatus;
  return base;
}

const DICTIONARY = [
  "export.json: the canonical export (schemaVersion, generatedAt, request, subjectRecords, pseudonymousLinks, consentRecords, preferences, processingActivities; access exports add information, the GDPR Art. 15(1) information).",
  "activities.csv: one processing activity per line: id, occurred_at (ISO 8601 UTC), event_type, source_service, source_name, purpose, legal_basis, data_categories (';'-separated field types).",
  "consent_records.csv: each consent decision as recorded: id, collected_at, form, form_version, mechanism, regime, jurisdiction, gpc_signal, choices (JSON).",
  "preferences.csv: the current choice per purpose: purpose, purpose_name, legal_basis, granted, updated_at.",
  "links.csv: pseudonymous identifiers linked to you (type and dates only; the stored value is a keyed hash used to recognise you across the organization's services, never your identifier in clear).",
  "",
].join("\n");

/** Writes the export; removes a partial directory on failure. Resolves with what was written. */
export async function buildExport(request: ExportRequest, deps: ExportDeps): Promise<ExportSummary> {
  const directory = join(deps.exportsDir, request.requestId);
  await rm(directory, { recursive: true, force: true });
  await mkdir(directory, { recursive: true });
  try {
    return await writeExport(request, directory, deps);
  } catch (err: unknown) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
}

async function writeExport(request: ExportRequest, directory: string, deps: ExportDeps): Promise<ExportSummary> {
  const subjects = request.subjectId ? (await deps.sdk.FindSubjectsForRights({ ids: [request.subjectId] })).dataSubjects : [];
  const subjectIds = subjects.map((s) => s.id);
  const lookups = await deps.sdk.FindExportLookups({ controllerId: request.controllerId });
  const processors = new Map(lookups.dataProcessors.map((p) => [p.id, p]));
  const purposeById = new Map(lookups.purposes.map((p) => [p.id, p]));
  const consent = subjectIds.length > 0 ? await deps.sdk.FindSubjectConsent({ subjectIds }) : { dataSubjectConsentFormValues: [], dataSubjectPreferenceValues: [] };

  const json = new Sink(join(directory, "export.json"));
  const activitiesCsv = new Sink(join(directory, "activities.csv"));
  const head = {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    kind: request.kind,
    generatedAt: deps.now().toISOString(),
    controller: request.organization,
    request: { id: request.requestId, receivedAt: new Date(request.receivedAt).toISOString() },
    personalDataHeld: subjects.length > 0,
    subjectRecords: subjects.map((s) => ({ id: s.id, did: s.did, status: s.status, mergedInto: s.mergedInto, firstSeenAt: s.firstSeenAt, lastSeenAt: s.lastSeenAt })),
    pseudonymousLinks: subjects.flatMap((s) =>
      s.privacyPreservingLinks.map((l) => ({ identifierType: l.identifierType, firstSeenAt: l.firstSeenAt, lastSeenAt: l.lastSeenAt, source: l.sourceProcessor?.service ?? null })),
    ),
    consentRecords: consent.dataSubjectConsentFormValues.map((c) => ({
      id: c.id,
      collectedAt: c.collectedAt,
      form: c.form?.slug ?? null,
      formVersion: c.formVersion,
      mechanism: c.mechanism,
      regime: c.regime,
      jurisdiction: c.jurisdiction,
      gpcSignal: c.gpcSignal,
      choices: c.choices,
    })),
    preferences: consent.dataSubjectPreferenceValues.map((p) => ({ purpose: p.purpose?.slug ?? null, purposeName: p.purpose?.name ?? null, legalBasis: p.purpose?.legalBasis ?? null, granted: p.granted, updatedAt: p.updatedAt })),
  };
  // Everything but the activities, then the activities array streamed, then the summary.
  const headText = JSON.stringify(head, null, 2);
  await json.write(`${headText.slice(0, -2)},\n  "processingActivities": [`);
  await activitiesCsv.write(csvLine(ACTIVITY_COLUMNS));

  const purposes = new Map<string, { name: string; legalBasis: string; retention: string | null }>();
  const categories = new Set<string>();
  const recipients = new Map<string, { service: string; name: string; country: string | null }>();
  const automated = new Set<string>();
  let count = 0;
  const START = { after: "0001-01-01T00:00:00Z", afterId: "00000000-0000-0000-0000-000000000000" };
  const fetchPage = (subjectId: string, after: string, afterId: string) => deps.sdk.PageSubjectActivities({ subjectId, after, afterId, limit: PAGE_SIZE });
  // Subject records one after the other (the verified subject, then those
  // merged into it); within each, the next page is requested before the
  // current one is written, so the database and the writing overlap and at
  // most two pages are held at once.
  const queue = [...subjectIds];
  let current = queue.shift();
  let pending = current ? fetchPage(current, START.after, START.afterId) : null;
  while (pending && current) {
    const page = (await pending).dataProcessingActivities;
    const last = page[page.length - 1];
    if (page.length === PAGE_SIZE && last) pending = fetchPage(current, last.triggeredAt, last.id);
    else {
      current = queue.shift();
      pending = current ? fetchPage(current, START.after, START.afterId) : null;
    }
    let jsonChunk = "";
    let csvChunk = "";
    for (const a of page) {
      if (request.kind === "portability" && !PORTABLE_BASES.has(a.legalBasis)) continue;
      const processor = a.dataProcessorId ? processors.get(a.dataProcessorId) : undefined;
      const purpose = a.purposeId ? purposeById.get(a.purposeId) : undefined;
      jsonChunk += `${count === 0 ? "\n" : ",\n"}    ${JSON.stringify(activityJson(a, processor, purpose, request.kind))}`;
      csvChunk += csvLine([a.id, new Date(a.triggeredAt).toISOString(), a.eventType, processor?.service, processor?.name, purpose?.name ?? a.purpose, a.legalBasis, a.piiFieldTypes]);
      count += 1;
      const purposeName = purpose?.name ?? a.purpose ?? "unspecified";
      if (!purposes.has(purposeName)) {
        const days = purpose?.retentionDays;
        purposes.set(purposeName, { name: purposeName, legalBasis: a.legalBasis, retention: days ? `${days} days` : (purpose?.retentionCriteria ?? null) });
      }
      for (const c of a.piiFieldTypes) categories.add(c);
      if (processor) recipients.set(processor.id, { service: processor.service, name: processor.name, country: processor.countryCode });
      if (purpose?.isAutomatedDecision) automated.add(purposeName);
    }
    await json.write(jsonChunk);
    await activitiesCsv.write(csvChunk);
  }
  await json.write(count === 0 ? "]" : "\n  ]");
  if (request.kind === "access") {
    const information = {
      // GDPR Art. 15(1)(a)-(h), 15(2); CCPA 1798.110(a).
      purposes: [...purposes.values()].map((p) => ({ purpose: p.name, legalBasis: p.legalBasis })),
      categoriesOfPersonalData: [...categories].sort(),
      recipients: [...recipients.values()],
      storagePeriods: [...purposes.values()].map((p) => ({ purpose: p.name, retention: p.retention ?? "as long as necessary for the purpose" })),
      yourRights: "You may ask for rectification or erasure of your personal data, restriction of its processing, or object to it (GDPR Arts. 16-18, 21).",
      complaint: `You may lodge a complaint with a supervisory authority${request.supervisoryAuthority ? ` (${request.supervisoryAuthority})` : ""}.`,
      sources: [...recipients.values()].map((r) => r.service),
      automatedDecisionMaking: [...automated].map((p) => ({ purpose: p })),
    };
    await json.write(`,\n  "information": ${JSON.stringify(information, null, 2).replace(/\n/g, "\n  ")}`);
  }
  await json.write("\n}\n");
  await json.close();
  await activitiesCsv.close();

  const consentCsv = new Sink(join(directory, "consent_records.csv"));
  await consentCsv.write(csvLine(["id", "collected_at", "form", "form_version", "mechanism", "regime", "jurisdiction", "gpc_signal", "choices"]));
  for (const c of head.consentRecords) await consentCsv.write(csvLine([c.id, c.collectedAt, c.form, c.formVersion, c.mechanism, c.regime, c.jurisdiction, c.gpcSignal, c.choices]));
  await consentCsv.close();
  const prefCsv = new Sink(join(directory, "preferences.csv"));
  await prefCsv.write(csvLine(["purpose", "purpose_name", "legal_basis", "granted", "updated_at"]));
  for (const p of head.preferences) await prefCsv.write(csvLine([p.purpose, p.purposeName, p.legalBasis, p.granted, p.updatedAt]));
  await prefCsv.close();
  const linksCsv = new Sink(join(directory, "links.csv"));
  await linksCsv.write(csvLine(["identifier_type", "first_seen_at", "last_seen_at", "source"]));
  for (const l of head.pseudonymousLinks) await linksCsv.write(csvLine([l.identifierType, l.firstSeenAt, l.lastSeenAt, l.source]));
  await linksCsv.close();
  const dictionary = new Sink(join(directory, "data-dictionary.txt"));
  await dictionary.write(DICTIONARY);
  await dictionary.close();

  return {
    directory,
    files: [...EXPORT_FILES],
    subjects: subjects.length,
    activities: count,
    consentRecords: head.consentRecords.length,
    preferences: head.preferences.length,
  };
}
