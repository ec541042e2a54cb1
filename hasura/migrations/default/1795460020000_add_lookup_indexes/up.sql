-- Indexes for lookups as the services actually write them through GraphQL.

-- Handlers look links up by hash within a controller without naming the type
-- (graphql/operations/handlers/FindLinksByIdentifiers.graphql); the unique key
-- leads with the type, so it cannot serve that lookup alone.
create index privacy_preserving_links_controller_hash_idx
  on public.privacy_preserving_links (controller_id, identifier_hash);

-- dsar_compliance_check filters open requests on due_at and extended_due_at as
-- separate columns (GraphQL where has no coalesce), so the expression index of
-- the first migration would never be used.
drop index public.data_subject_rights_requests_open_due_idx;
create index data_subject_rights_requests_open_due_idx
  on public.data_subject_rights_requests (due_at) where completed_at is null;
create index data_subject_rights_requests_open_extended_due_idx
  on public.data_subject_rights_requests (extended_due_at) where completed_at is null and extended;
