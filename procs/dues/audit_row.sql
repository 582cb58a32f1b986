-- Trigger: records the row before and after an INSERT, UPDATE or DELETE in dues.audit_log.
-- An UPDATE that changes nothing is not recorded.
create or replace function dues.audit_row()
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

create or replace trigger group_membership_audit after insert or update or delete on dues.group_membership
    for each row execute function dues.audit_row();
create or replace trigger member_link_audit after insert or update or delete on dues.member_link
    for each row execute function dues.audit_row();
create or replace trigger membership_audit after insert or update of join_date, start_date, end_date, waived or delete on dues.membership
    for each row execute function dues.audit_row();
create or replace trigger organization_role_audit after insert or update or delete on dues.organization_role
    for each row execute function dues.audit_row();

-- a member's e-mail addresses (its name and kind are not audited here)
create or replace trigger member_email_audit after update of email, paypal_email on dues.member
    for each row when (old.email is distinct from new.email or old.paypal_email is distinct from new.paypal_email)
    execute function dues.audit_row();
create or replace trigger badge_audit after insert or update or delete on dues.badge
    for each row execute function dues.audit_row();
create or replace trigger access_grant_audit after insert or update or delete on dues.access_grant
    for each row execute function dues.audit_row();
create or replace trigger certification_audit after insert or update or delete on dues.certification
    for each row execute function dues.audit_row();
create or replace trigger storage_assignment_audit after insert or update or delete on dues.storage_assignment
    for each row execute function dues.audit_row();
create or replace trigger service_order_role_audit after insert or update or delete on dues.service_order_role
    for each row execute function dues.audit_row();
create or replace trigger member_contact_audit after insert or update or delete on dues.member_contact
    for each row execute function dues.audit_row();

-- every end date set on a subscription (a cancellation, a class change) is in the audit log, with the reason given
create or replace trigger recurring_subscription_audit after update of end_date on dues.recurring_subscription
    for each row when (old.end_date is distinct from new.end_date)
    execute function dues.audit_row();
