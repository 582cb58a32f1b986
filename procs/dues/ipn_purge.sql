-- Removes the messages that had no effect (invalid or rejected, no payment,
-- no member) received more than ipn_junk_retention_days (90) before p_now,
-- with their history; returns how many.
create or replace function dues.ipn_purge(p_now timestamptz)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_ids bigint[];
begin
    perform dues.require_argument('now', p_now is null);
    select pg_catalog.array_agg(m.id) into v_ids
      from dues.ipn_message m
     where m.state in ('invalid', 'rejected') and m.payment_id is null and m.member_id is null
       and m.received_at < p_now - pg_catalog.make_interval(days => dues.setting_number('ipn_junk_retention_days', 90)::int);
    if v_ids is null then
        return 0;
    end if;
    perform pg_catalog.set_config('dues.ipn_purge', 'on', true);
    delete from dues.ipn_log l where l.message_id = any (v_ids);
    delete from dues.ipn_message m where m.id = any (v_ids);
    perform pg_catalog.set_config('dues.ipn_purge', '', true);
    return pg_catalog.cardinality(v_ids);
end
$$;
