drop table public.integration_sync_jobs;
drop table public.data_subject_rights_request_events;
drop table public.data_subject_rights_requests;
