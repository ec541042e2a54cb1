-- Data subjects (GDPR Art. 4(1)) known to a controller, and the keyed-hash
-- identifiers that link one person across platforms (privacy-domain.md 12.2-12.4).

create table public.data_subjects (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  -- Decentralized identifier, when the controller has DID generation on.
  did text,
  status text not null default 'active',
  -- Consolidation: a merged record points at the surviving one (12.4: merges are
  -- logged and can be undone, so the row is kept rather than deleted).
  merged_into uuid references public.data_subjects (id) on delete set null,
  merged_at timestamptz,
  merge_identifier_type text,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint data_subjects_did_key unique (did),
  constraint data_subjects_status_check check (status in ('active', 'merged', 'erased')),
  constraint data_subjects_merged_into_check check (merged_into is null or merged_into <> id),
  constraint data_subjects_merge_check check ((merged_into is null) = (merged_at is null)),
  constraint data_subjects_seen_check check (last_seen_at >= first_seen_at)
);
comment on table public.data_subjects is
  'People whose data a controller processes; pseudonymous: identifiers live only as keyed hashes in privacy_preserving_links.';
create index data_subjects_controller_id_idx on public.data_subjects (controller_id, created_at desc);
create index data_subjects_merged_into_idx on public.data_subjects (merged_into);
create trigger data_subjects_set_updated_at before update on public.data_subjects
  for each row execute function public.set_updated_at();

create table public.privacy_preserving_links (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  data_subject_id uuid not null references public.data_subjects (id) on delete cascade,
  -- PII taxonomy type: email, phone, customer_id, ...
  identifier_type text not null,
  -- HMAC-SHA-256 (per-controller key, type-prefixed input), hex. The key is derived
  -- from a master key held outside the database (common/src/pii/hash.ts), so
  -- no key material is stored here; key_version says which master key.
  identifier_hash text not null,
  key_version integer not null default 1,
  source_processor_id uuid references public.data_processors (id) on delete set null,
  first_seen_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  -- Named so handlers can upsert with on_conflict.
  constraint privacy_preserving_links_identifier_key unique (controller_id, identifier_type, identifier_hash),
  constraint privacy_preserving_links_identifier_hash_check check (identifier_hash ~ '^[0-9a-f]{64}$'),
  constraint privacy_preserving_links_key_version_check check (key_version > 0),
  constraint privacy_preserving_links_identifier_type_check check (identifier_type ~ '^[a-z][a-z0-9_]*$')
);
comment on table public.privacy_preserving_links is
  'Keyed hashes of identifiers linked to a data subject; never linked across controllers.';
create index privacy_preserving_links_data_subject_id_idx on public.privacy_preserving_links (data_subject_id);
create index privacy_preserving_links_source_processor_id_idx on public.privacy_preserving_links (source_processor_id);
