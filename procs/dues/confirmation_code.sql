-- A confirmation code: 10 characters of an alphabet without look-alikes (50 random bits).
create or replace function dues.confirmation_code()
returns text
language sql
volatile
set search_path = ''
as $$
    select pg_catalog.string_agg(pg_catalog.substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', pg_catalog.get_byte(b.bytes, i) % 32 + 1, 1),
                                 '' order by i)
      from (select public.gen_random_bytes(10) as bytes) b, pg_catalog.generate_series(0, 9) i
$$;
