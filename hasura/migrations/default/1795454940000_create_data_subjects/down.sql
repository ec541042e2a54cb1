drop table public.privacy_preserving_links;
drop table public.data_subjects;
