drop table public.retention_policies;
drop table public.data_processing_activities;
drop table public.purposes;
