-- Operational tables: reminders and recurring jobs, verified domains and the CORS
-- allowlist they feed, generated privacy documents, tag manager accounts, usage
-- metering and the e-mail outbox.

create table public.scheduled_events (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  -- The object the event is about (a rights request, a processor, the controller...).
  owner_id uuid not null,
  owner_type text not null,
  title text not null,
  message text,
  is_active boolean not null default true,
  frequency_type text not null default 'once',
  frequency_rate integer not null default 1,
  next_event_at timestamptz,
  last_event_at timestamptz,
  -- What the handler does when it fires, e.g. 'dsar_deadline_reminder'.
  reference text,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint scheduled_events_owner_type_check check (owner_type in (
    'data_controller', 'data_subject_rights_request', 'data_processor', 'domain_verification', 'user', 'consent_form')),
  constraint scheduled_events_frequency_type_check check (frequency_type in ('once', 'hourly', 'daily', 'weekly', 'monthly', 'yearly')),
  constraint scheduled_events_frequency_rate_check check (frequency_rate > 0),
  constraint scheduled_events_active_check check (not is_active or next_event_at is not null),
  constraint scheduled_events_payload_check check (jsonb_typeof(payload) = 'object')
);
comment on table public.scheduled_events is
  'Reminders and recurring work; process_scheduled_events fires the due active ones every 10 minutes.';
create index scheduled_events_due_idx on public.scheduled_events (next_event_at) where is_active;
create index scheduled_events_owner_idx on public.scheduled_events (owner_type, owner_id);
create index scheduled_events_controller_idx on public.scheduled_events (controller_id);
create trigger scheduled_events_set_updated_at before update on public.scheduled_events
  for each row execute function public.set_updated_at();

create table public.domain_verifications (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  domain text not null,
  method text not null default 'dns_txt',
  -- The value the organization publishes (DNS TXT record or file); public by design.
  challenge text not null default replace(gen_random_uuid()::text, '-', ''),
  status text not null default 'pending',
  verified_at timestamptz,
  last_checked_at timestamptz,
  check_attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint domain_verifications_controller_id_domain_key unique (controller_id, domain),
  -- Lower-case host name without scheme, port or path.
  constraint domain_verifications_domain_check check (domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'),
  constraint domain_verifications_method_check check (method in ('dns_txt', 'http_file')),
  constraint domain_verifications_status_check check (status in ('pending', 'verified', 'failed')),
  constraint domain_verifications_verified_check check (status <> 'verified' or verified_at is not null),
  constraint domain_verifications_check_attempts_check check (check_attempts >= 0)
);
comment on table public.domain_verifications is
  'Domains an organization proves it controls; verified ones feed cors_allowed_origins.';
-- verify_domain_records re-checks pending and verified domains.
create index domain_verifications_checked_idx on public.domain_verifications (status, last_checked_at nulls first);
create trigger domain_verifications_set_updated_at before update on public.domain_verifications
  for each row execute function public.set_updated_at();

create table public.cors_allowed_origins (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  -- Null for an origin added by the platform operator rather than by verification.
  domain_verification_id uuid references public.domain_verifications (id) on delete cascade,
  origin text not null,
  created_at timestamptz not null default now(),
  constraint cors_allowed_origins_controller_id_origin_key unique (controller_id, origin),
  -- Serialized origin (RFC 6454): scheme://host[:port], no path or trailing slash.
  constraint cors_allowed_origins_origin_check check (origin ~ '^https?://[a-z0-9.-]+(:[0-9]{1,5})?$')
);
comment on table public.cors_allowed_origins is
  'Origins the consent widget and Transparency Center API accept, synced from verified domains.';
create index cors_allowed_origins_origin_idx on public.cors_allowed_origins (origin);
create index cors_allowed_origins_domain_verification_idx on public.cors_allowed_origins (domain_verification_id);

create table public.generated_documents (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  document_type text not null,
  locale text not null default 'en',
  version integer not null default 1,
  title text not null,
  content text not null,
  content_format text not null default 'markdown',
  status text not null default 'draft',
  -- What the document was generated from (purposes, processors, profile versions).
  source jsonb not null default '{}'::jsonb,
  generated_at timestamptz not null default now(),
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint generated_documents_version_key unique (controller_id, document_type, locale, version),
  constraint generated_documents_document_type_check check (document_type in (
    'privacy_policy', 'cookie_policy', 'ropa', 'notice_at_collection', 'transparency_profile', 'dpa')),
  constraint generated_documents_content_format_check check (content_format in ('markdown', 'html', 'json')),
  constraint generated_documents_status_check check (status in ('draft', 'published', 'superseded')),
  constraint generated_documents_version_check check (version > 0),
  constraint generated_documents_published_check check (status = 'draft' or published_at is not null)
);
comment on table public.generated_documents is
  'Versioned privacy notices, cookie policy and Art. 30 record generated from the configuration.';
-- At most one published version per document and language.
create unique index generated_documents_published_key on public.generated_documents (controller_id, document_type, locale)
  where status = 'published';
create trigger generated_documents_set_updated_at before update on public.generated_documents
  for each row execute function public.set_updated_at();

create table public.tag_manager_accounts (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  provider text not null default 'google_tag_manager',
  name text not null,
  account_id text not null,
  container_id text not null,
  status text not null default 'active',
  credentials_ref text,
  consent_mode_enabled boolean not null default true,
  -- {"<tag id>": ["<purpose slug>", ...]}: a tag fires only when all its purposes are granted (8.4).
  tag_purposes jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint tag_manager_accounts_container_key unique (controller_id, provider, container_id),
  constraint tag_manager_accounts_provider_check check (provider in ('google_tag_manager', 'tealium', 'adobe_launch', 'segment')),
  constraint tag_manager_accounts_status_check check (status in ('active', 'paused', 'disconnected')),
  constraint tag_manager_accounts_tag_purposes_check check (jsonb_typeof(tag_purposes) = 'object')
);
comment on table public.tag_manager_accounts is 'Tag manager containers whose tags the consent widget gates.';
create trigger tag_manager_accounts_set_updated_at before update on public.tag_manager_accounts
  for each row execute function public.set_updated_at();

create table public.usage_records (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  metric text not null,
  period_start date not null,
  period_end date not null,
  quantity bigint not null default 0,
  quota bigint,
  recorded_at timestamptz not null default now(),
  constraint usage_records_period_key unique (controller_id, metric, period_start),
  constraint usage_records_metric_check check (metric in (
    'intake_events', 'processing_activities', 'data_subjects', 'rights_requests', 'emails')),
  constraint usage_records_period_check check (period_end >= period_start),
  constraint usage_records_quantity_check check (quantity >= 0),
  constraint usage_records_quota_check check (quota >= 0)
);
comment on table public.usage_records is 'Metered usage per organization and month (monthly_usage_check).';

create table public.email_outbox (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid references public.data_controllers (id) on delete cascade,
  -- AES-256-GCM ciphertext of the recipient address; raw only while sending (12.2).
  recipient_encrypted text not null,
  template text not null,
  locale text not null default 'en',
  -- Template variables; may hold links with tokens, so hidden from every client role.
  variables_encrypted text,
  status text not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  sent_at timestamptz,
  provider_message_id text,
  -- Handlers are retried: the same logical e-mail computes the same key.
  idempotency_key text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint email_outbox_idempotency_key unique (idempotency_key),
  constraint email_outbox_status_check check (status in ('pending', 'sending', 'sent', 'failed')),
  constraint email_outbox_attempts_check check (attempts >= 0),
  constraint email_outbox_sent_check check (status <> 'sent' or sent_at is not null)
);
comment on table public.email_outbox is 'Transactional e-mails to send (verification, deadlines, invitations), retried until sent.';
create index email_outbox_due_idx on public.email_outbox (next_attempt_at) where status in ('pending', 'failed');
create index email_outbox_controller_idx on public.email_outbox (controller_id, created_at desc);
create trigger email_outbox_set_updated_at before update on public.email_outbox
  for each row execute function public.set_updated_at();
