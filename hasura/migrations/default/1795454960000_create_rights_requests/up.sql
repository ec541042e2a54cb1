-- Data subject rights requests (GDPR Arts. 12-22, CCPA 1798.100 ff.), their
-- timeline, and the outbound jobs that carry erasure and consent changes to each
-- connected integration (GDPR Art. 19, CCPA 1798.105(c)(1), 11 CCR 7026(f)).

create table public.data_subject_rights_requests (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  -- Null until verification matched a subject (or when none is held): the
  -- Transparency Center must not reveal whether someone is a customer.
  data_subject_id uuid references public.data_subjects (id) on delete set null,
  request_type text not null,
  status text not null default 'received',
  regime text not null default 'gdpr_eu',
  jurisdiction text,
  source text not null default 'transparency_center',
  source_processor_id uuid references public.data_processors (id) on delete set null,
  requester_type text not null default 'subject',
  -- Raw contact point kept only to send the verification and result e-mails
  -- (privacy-domain.md 12.2): AES-256-GCM ciphertext, deleted with the request.
  requester_email_encrypted text,
  -- Keyed hash of the normalized address, to match privacy_preserving_links.
  requester_email_hash text,
  -- What the requester asked for (e.g. fields to rectify); free text stays here, not in logs.
  request_details jsonb not null default '{}'::jsonb,
  verification_method text,
  -- SHA-256 hex of the single-use verification token; the token is only in the e-mail.
  verification_token_hash text,
  verification_requested_at timestamptz,
  verification_expires_at timestamptz,
  verification_attempts integer not null default 0,
  verified_at timestamptz,
  -- Evidence of verification (method, matched identifier types), never the secret (section 4).
  verification_evidence jsonb,
  received_at timestamptz not null default now(),
  -- CCPA receipt confirmation within 10 business days (11 CCR 7021(a)).
  ack_due_at timestamptz,
  acknowledged_at timestamptz,
  -- Legal deadline (GDPR Art. 12(3): one month; CCPA: 45 days) and the internal target.
  -- Computed by handlers from the controller's calendar (privacy-domain.md 3.1: time
  -- zone, month clamping, public holidays), so null until the insert is handled.
  due_at timestamptz,
  target_due_at timestamptz,
  extended boolean not null default false,
  extension_reason text,
  extension_notified_at timestamptz,
  extended_due_at timestamptz,
  completed_at timestamptz,
  outcome text,
  refusal_reason text,
  refusal_notified_at timestamptz,
  -- Where the access/portability export can be fetched (object key or signed-URL id).
  result_location text,
  result_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint data_subject_rights_requests_request_type_check check (request_type in (
    'access', 'deletion', 'portability', 'rectification', 'restriction', 'objection', 'opt_out')),
  constraint data_subject_rights_requests_status_check check (status in (
    'received', 'pending_verification', 'verified', 'in_progress', 'completed', 'refused', 'cancelled')),
  constraint data_subject_rights_requests_regime_check check (regime in ('gdpr_eu', 'uk_gdpr', 'ccpa')),
  constraint data_subject_rights_requests_source_check check (source in (
    'transparency_center', 'staff', 'api', 'integration', 'email')),
  constraint data_subject_rights_requests_requester_type_check check (requester_type in ('subject', 'authorized_agent')),
  constraint data_subject_rights_requests_verification_method_check check (verification_method in (
    'email_link', 'email_code', 'account', 'not_required')),
  constraint data_subject_rights_requests_verification_token_hash_key unique (verification_token_hash),
  constraint data_subject_rights_requests_verification_attempts_check check (verification_attempts >= 0),
  constraint data_subject_rights_requests_due_check check (due_at >= received_at),
  -- Only one extension, and it is always later than the original deadline (Art. 12(3)).
  constraint data_subject_rights_requests_extension_check check (
    (extended and extended_due_at is not null and extended_due_at >= due_at and extension_reason is not null)
    or (not extended and extended_due_at is null)),
  constraint data_subject_rights_requests_outcome_check check (outcome in ('completed', 'partially_completed', 'refused')),
  constraint data_subject_rights_requests_completed_check check (
    (status in ('completed', 'refused')) = (completed_at is not null)),
  constraint data_subject_rights_requests_refusal_check check (status <> 'refused' or refusal_reason is not null),
  constraint data_subject_rights_requests_details_check check (jsonb_typeof(request_details) = 'object')
);
comment on table public.data_subject_rights_requests is
  'Rights requests with their deadlines (privacy-domain.md 3.3), verification state and result.';
create index data_subject_rights_requests_controller_idx on public.data_subject_rights_requests (controller_id, status, received_at desc);
create index data_subject_rights_requests_subject_idx on public.data_subject_rights_requests (data_subject_id);
create index data_subject_rights_requests_source_processor_idx on public.data_subject_rights_requests (source_processor_id);
-- dsar_compliance_check: open requests by deadline.
create index data_subject_rights_requests_open_due_idx on public.data_subject_rights_requests (coalesce(extended_due_at, due_at))
  where completed_at is null;
create trigger data_subject_rights_requests_set_updated_at before update on public.data_subject_rights_requests
  for each row execute function public.set_updated_at();

create table public.data_subject_rights_request_events (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references public.data_subject_rights_requests (id) on delete cascade,
  step text not null,
  status text not null default 'completed',
  message text,
  details jsonb not null default '{}'::jsonb,
  data_processor_id uuid references public.data_processors (id) on delete set null,
  actor_user_id uuid references auth.users (id) on delete set null,
  due_at timestamptz,
  occurred_at timestamptz not null default now(),
  constraint data_subject_rights_request_events_step_check check (step in (
    'received', 'acknowledged', 'verification_sent', 'verified', 'verification_failed', 'extended',
    'in_progress', 'integration_request', 'integration_result', 'export_ready', 'completed', 'refused',
    'cancelled', 'reminder', 'note')),
  constraint data_subject_rights_request_events_status_check check (status in (
    'pending', 'sent', 'acknowledged', 'completed', 'failed', 'not_applicable', 'exempted')),
  constraint data_subject_rights_request_events_details_check check (jsonb_typeof(details) = 'object')
);
comment on table public.data_subject_rights_request_events is
  'Append-only timeline of a rights request: every step with its time and deadline (11 CCR 7101).';
create index data_subject_rights_request_events_request_idx on public.data_subject_rights_request_events (request_id, occurred_at);
create index data_subject_rights_request_events_processor_idx on public.data_subject_rights_request_events (data_processor_id);
create index data_subject_rights_request_events_actor_idx on public.data_subject_rights_request_events (actor_user_id);
create trigger data_subject_rights_request_events_append_only before update on public.data_subject_rights_request_events
  for each row execute function public.forbid_update();

create table public.integration_sync_jobs (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  data_processor_id uuid not null references public.data_processors (id) on delete cascade,
  rights_request_id uuid references public.data_subject_rights_requests (id) on delete cascade,
  data_subject_id uuid references public.data_subjects (id) on delete set null,
  job_type text not null,
  -- privacy-domain.md 6: pending -> sent -> acknowledged -> completed | failed | not_applicable | exempted.
  status text not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  exemption_reason text,
  -- The platform's reference for an asynchronous deletion, to poll.
  external_reference text,
  -- One job per (request or change, processor, type): handlers upsert on it.
  idempotency_key text not null,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint integration_sync_jobs_idempotency_key unique (controller_id, idempotency_key),
  constraint integration_sync_jobs_job_type_check check (job_type in ('erasure', 'consent_sync', 'access_export', 'opt_out', 'rectification')),
  constraint integration_sync_jobs_status_check check (status in (
    'pending', 'sent', 'acknowledged', 'completed', 'failed', 'not_applicable', 'exempted')),
  constraint integration_sync_jobs_attempts_check check (attempts >= 0),
  constraint integration_sync_jobs_exempted_check check (status <> 'exempted' or exemption_reason is not null)
);
comment on table public.integration_sync_jobs is
  'Outbound calls to integrations (erasure, consent sync, opt-out): a retried, polled plan of steps.';
create index integration_sync_jobs_due_idx on public.integration_sync_jobs (next_attempt_at)
  where status in ('pending', 'sent', 'acknowledged');
create index integration_sync_jobs_processor_idx on public.integration_sync_jobs (data_processor_id);
create index integration_sync_jobs_request_idx on public.integration_sync_jobs (rights_request_id);
create index integration_sync_jobs_subject_idx on public.integration_sync_jobs (data_subject_id);
create trigger integration_sync_jobs_set_updated_at before update on public.integration_sync_jobs
  for each row execute function public.set_updated_at();
