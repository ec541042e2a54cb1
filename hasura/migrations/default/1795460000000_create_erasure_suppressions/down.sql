drop table public.erasure_suppressions;
