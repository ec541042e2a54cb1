drop function public.forbid_update();
drop function public.set_updated_at();
