-- Trigger: a message's history goes only with a message jobs.cleanup may remove.
create or replace function dues.ipn_log_guard_delete()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if pg_catalog.current_setting('dues.ipn_purge', true) = 'on'
       and exists (select from dues.ipn_message m
                    where m.id = old.message_id and m.state in ('invalid', 'rejected')
                      and m.payment_id is null and m.member_id is null) then
        return old;
    end if;
    raise exception '% on %.% is refused: history is never deleted or rewritten', tg_op, tg_table_schema, tg_table_name
        using errcode = 'DU042',
              hint = 'record a status change or a reversing entry instead';
end
$$;

create or replace trigger ipn_log_forbid_delete before delete on dues.ipn_log
    for each row execute function dues.ipn_log_guard_delete();
