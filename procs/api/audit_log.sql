create or replace function api.audit_log(member_id bigint default null, table_name text default null, "limit" int default 100)
returns setof dues.audit_log
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if audit_log."limit" is null or audit_log."limit" < 1 then
        raise exception 'limit must be a positive number, got %', coalesce(audit_log."limit"::text, 'null')
            using errcode = 'DU01E';
    end if;
    return query
        select a.*
          from dues.audit_log a
         where (audit_log.member_id is null or a.member_id = audit_log.member_id)
           and (audit_log.table_name is null or a.table_name = audit_log.table_name)
         order by a.id desc
         limit audit_log."limit";
end
$$;

comment on function api.audit_log(bigint, text, int) is
$$The newest entries of the audit log (changes to group memberships, badges, member links, e-mail addresses, roles, storage slots
and memberships): who (actor), when (at), what (table_name, row_id, action, old and new row) and why, for one member and/or one
table when given, newest first, at most limit rows (100 by default). Staff only. Errors: DU01E limit not positive.$$;

grant execute on function api.audit_log(bigint, text, int) to dues_staff;
