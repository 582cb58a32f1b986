-- Trigger: the raw messages are never deleted, but for jobs.cleanup removing
-- a message that had no effect (invalid or rejected, no payment, no member).
create or replace function dues.ipn_message_guard_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if pg_catalog.current_setting('dues.ipn_purge', true) = 'on'
       and old.state in ('invalid', 'rejected') and old.payment_id is null and old.member_id is null then
        return old;
    end if;
    raise exception '% on %.% is refused: history is never deleted or rewritten', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU042',
              hint = 'record a status change or a reversing entry instead';
end
$$;

create or replace trigger ipn_message_forbid_delete before delete on dues.ipn_message
    for each row execute function dues.ipn_message_guard_delete();
