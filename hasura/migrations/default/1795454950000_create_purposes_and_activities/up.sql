-- Purposes of processing (GDPR Art. 5(1)(b), 13(1)(c), 30(1)(b)), the log of
-- processing activities derived from intake events, and retention rules.

create table public.purposes (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  slug text not null,
  name text not null,
  description text,
  -- GDPR Art. 6(1) lawful basis.
  legal_basis text not null,
  legitimate_interest text,
  -- Storage period in days, or null when the criteria are described instead (Art. 13(2)(a)).
  retention_days integer,
  retention_criteria text,
  is_essential boolean not null default false,
  is_automated_decision boolean not null default false,
  -- CCPA "sale or sharing" purposes; a GPC signal denies them (privacy-domain.md 8.5).
  is_sale_or_sharing boolean not null default false,
  version integer not null default 1,
  status text not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint purposes_controller_id_slug_key unique (controller_id, slug),
  constraint purposes_slug_check check (slug ~ '^[a-z0-9][a-z0-9_-]*$'),
  constraint purposes_legal_basis_check check (legal_basis in (
    'consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests')),
  constraint purposes_legitimate_interest_check check (legal_basis <> 'legitimate_interests' or legitimate_interest is not null),
  constraint purposes_retention_days_check check (retention_days > 0),
  constraint purposes_version_check check (version > 0),
  constraint purposes_status_check check (status in ('active', 'archived'))
);
comment on table public.purposes is 'Purposes of processing with their lawful basis and retention.';
create trigger purposes_set_updated_at before update on public.purposes
  for each row execute function public.set_updated_at();

create table public.data_processing_activities (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  -- Set null rather than cascade: after erasure the anonymized activity stays as the
  -- accountability record (GDPR Art. 5(2)) without pointing at a person.
  data_subject_id uuid references public.data_subjects (id) on delete set null,
  data_processor_id uuid references public.data_processors (id) on delete set null,
  intake_id uuid references public.webhook_intake (id) on delete set null,
  purpose_id uuid references public.purposes (id) on delete set null,
  event_type text not null,
  pii_field_types text[] not null default '{}',
  legal_basis text not null,
  purpose text,
  compliance_status text not null default 'pending',
  compliance_notes text,
  triggered_at timestamptz not null,
  -- Derived from the intake event (platform id or content key); a redelivered event
  -- computes the same key and cannot add a second activity.
  dedup_key text not null,
  created_at timestamptz not null default now(),
  constraint data_processing_activities_dedup_key unique (controller_id, dedup_key),
  constraint data_processing_activities_legal_basis_check check (legal_basis in (
    'consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests')),
  constraint data_processing_activities_compliance_status_check check (compliance_status in (
    'pending', 'compliant', 'needs_review', 'non_compliant'))
);
comment on table public.data_processing_activities is
  'Audit log of processing: one row per processed intake event (evidence for the Art. 30 record).';
create index data_processing_activities_subject_idx on public.data_processing_activities (data_subject_id, triggered_at desc);
create index data_processing_activities_controller_idx on public.data_processing_activities (controller_id, triggered_at desc);
create index data_processing_activities_processor_idx on public.data_processing_activities (data_processor_id);
create index data_processing_activities_intake_id_idx on public.data_processing_activities (intake_id);
create index data_processing_activities_purpose_id_idx on public.data_processing_activities (purpose_id);
create index data_processing_activities_compliance_idx on public.data_processing_activities (controller_id, compliance_status)
  where compliance_status <> 'compliant';

create table public.retention_policies (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  purpose_id uuid references public.purposes (id) on delete cascade,
  -- PII taxonomy category the rule applies to, when it is not per purpose.
  data_category text,
  retention_days integer not null,
  action text not null default 'delete',
  legal_hold boolean not null default false,
  last_run_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint retention_policies_target_check check (purpose_id is not null or data_category is not null),
  constraint retention_policies_retention_days_check check (retention_days > 0),
  constraint retention_policies_action_check check (action in ('delete', 'anonymize'))
);
comment on table public.retention_policies is
  'Storage limitation rules (GDPR Art. 5(1)(e)) per purpose or data category.';
create index retention_policies_controller_id_idx on public.retention_policies (controller_id);
create index retention_policies_purpose_id_idx on public.retention_policies (purpose_id);
create trigger retention_policies_set_updated_at before update on public.retention_policies
  for each row execute function public.set_updated_at();
