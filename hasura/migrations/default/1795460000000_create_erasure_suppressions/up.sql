-- After an erasure, later webhooks about the same person must not silently
-- re-create them (privacy-domain.md 6, [policy]). The suppression entry keeps
-- only the keyed hash of the identifier, its purpose is documented here and in
-- the record of processing activities, and nothing else about the person.

create table public.erasure_suppressions (
  id uuid primary key default gen_random_uuid(),
  controller_id uuid not null references public.data_controllers (id) on delete cascade,
  identifier_type text not null,
  -- HMAC-SHA-256 as in privacy_preserving_links.identifier_hash.
  identifier_hash text not null,
  key_version integer not null default 1,
  -- The erasure that created the entry; the entry outlives the request record.
  rights_request_id uuid references public.data_subject_rights_requests (id) on delete set null,
  reason text not null default 'erasure',
  created_at timestamptz not null default now(),
  constraint erasure_suppressions_identifier_key unique (controller_id, identifier_type, identifier_hash),
  constraint erasure_suppressions_identifier_hash_check check (identifier_hash ~ '^[0-9a-f]{64}$'),
  constraint erasure_suppressions_key_version_check check (key_version > 0),
  constraint erasure_suppressions_reason_check check (reason in ('erasure', 'objection', 'opt_out'))
);
comment on table public.erasure_suppressions is
  'Keyed hashes of identifiers whose subject was erased: intake for them records no new subject.';
create index erasure_suppressions_rights_request_id_idx on public.erasure_suppressions (rights_request_id);
