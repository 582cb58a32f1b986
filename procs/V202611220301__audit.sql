-- The audit log: a trigger records who changed what and when; api calls say why.

-- Sets the reason recorded with the changes the rest of the transaction makes (null clears it).
create function dues.audit_why(p_why text)
returns void
language sql
set search_path = ''
as $$
    select null::void from pg_catalog.set_config('dues.why', coalesce(p_why, ''), true)
$$;

-- Trigger: records the row before and after an INSERT, UPDATE or DELETE in dues.audit_log.
-- An UPDATE that changes nothing is not recorded.
create function dues.audit_row()
returns trigger
language plpgsql
security definer  -- the caller's role (dues_member, dues_staff) cannot write the audit log itself
set search_path = ''
as $$
declare
    v_old    jsonb := case when tg_op in ('UPDATE', 'DELETE') then pg_catalog.to_jsonb(old) end;
    v_new    jsonb := case when tg_op in ('INSERT', 'UPDATE') then pg_catalog.to_jsonb(new) end;
    v_row    jsonb := coalesce(v_new, v_old);
    v_member bigint;
begin
    if tg_op = 'UPDATE' and v_old = v_new then
        return null;
    end if;
    v_member := case when tg_table_name = 'member' then (v_row ->> 'id')::bigint
                     else (v_row ->> 'member_id')::bigint end;
    insert into dues.audit_log (table_name, row_id, member_id, action, old, new, why)
    values (tg_table_name,
            case when v_row ->> 'id' ~ '^[0-9]+$' then (v_row ->> 'id')::bigint
                 else (v_row ->> 'member_id')::bigint end,
            v_member,
            pg_catalog.lower(tg_op),
            v_old,
            v_new,
            nullif(pg_catalog.current_setting('dues.why', true), ''));
    return null;
end
$$;

create trigger group_membership_audit after insert or update or delete on dues.group_membership
    for each row execute function dues.audit_row();
create trigger member_link_audit after insert or update or delete on dues.member_link
    for each row execute function dues.audit_row();
create trigger membership_audit after insert or update of join_date, start_date, end_date, waived or delete on dues.membership
    for each row execute function dues.audit_row();
create trigger organization_role_audit after insert or update or delete on dues.organization_role
    for each row execute function dues.audit_row();
-- a member's e-mail addresses (its name and kind are not audited here)
create trigger member_email_audit after update of email, paypal_email on dues.member
    for each row when (old.email is distinct from new.email or old.paypal_email is distinct from new.paypal_email)
    execute function dues.audit_row();
