drop table public.webhook_intake;
drop table public.data_processors;
