-- Trigger: records the row before and after an INSERT, UPDATE or DELETE in dues.audit_log.
-- An UPDATE that changes nothing is not recorded. The trigger's first argument, when given, names the column that
-- identifies the row (row_id); else it is id, or member_id for a table without a numeric id. Further arguments name
-- columns left out of the record (an outbox message's data, which may hold a confirmation code). A row whose column
-- secret is true (a secret setting) is recorded without its value: only whether it has one.
create or replace function dues.audit_row()
returns trigger
language plpgsql
security definer  -- the caller's role (dues_member, dues_staff) cannot write the audit log itself
set search_path = ''
as $$
declare
    v_old    jsonb := case when tg_op in ('UPDATE', 'DELETE') then pg_catalog.to_jsonb(old) end;
    v_new    jsonb := case when tg_op in ('INSERT', 'UPDATE') then pg_catalog.to_jsonb(new) end;
    v_row    jsonb;
    v_member bigint;
    v_id     text;
begin
    if tg_op = 'UPDATE' and v_old = v_new then
        return null;
    end if;
    for v_i in 1 .. tg_nargs - 1 loop
        v_old := v_old - tg_argv[v_i];
        v_new := v_new - tg_argv[v_i];
    end loop;
    if (v_old ->> 'secret')::boolean then
        v_old := v_old || pg_catalog.jsonb_build_object('value', case when v_old ->> 'value' = '' then 'unset' else 'set' end);
    end if;
    if (v_new ->> 'secret')::boolean then
        v_new := v_new || pg_catalog.jsonb_build_object('value', case when v_new ->> 'value' = '' then 'unset' else 'set' end);
    end if;
    v_row := coalesce(v_new, v_old);
    v_member := case when tg_table_name = 'member' then (v_row ->> 'id')::bigint
                     else (v_row ->> 'member_id')::bigint end;
    v_id := case when tg_nargs > 0 then v_row ->> tg_argv[0]
                 when v_row ->> 'id' ~ '^[0-9]+$' then v_row ->> 'id'
                 else v_row ->> 'member_id' end;
    insert into dues.audit_log (table_name, row_id, member_id, action, old, new, why)
    values (tg_table_name,
            case when v_id ~ '^[0-9]+$' then v_id::bigint end,
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

-- a member's name, kind and e-mail addresses
create or replace trigger member_audit after update of name, email, kind, paypal_email on dues.member
    for each row when (old.name is distinct from new.name or old.email is distinct from new.email
                       or old.kind is distinct from new.kind or old.paypal_email is distinct from new.paypal_email)
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

-- what staff change over the api (class_update, class_close, class_set_membership_dues, charge_cancel, outbox_retry, job_schedule_set, setting_set,
-- message_template_set, membership_rule_set, payment_method_create), and whatever changes them in psql
create or replace trigger class_audit after update of title, description, closed_at, membership_dues on dues.class
    for each row execute function dues.audit_row();
create or replace trigger class_subscription_parameter_audit after insert or update on dues.class_subscription_parameter
    for each row execute function dues.audit_row('class_id');
create or replace trigger charge_cancellation_audit after insert on dues.charge_cancellation
    for each row execute function dues.audit_row('charge_id');
create or replace trigger outbox_retry_audit after update of state on dues.outbox
    for each row when (old.state = 'dead' and new.state <> 'dead')
    execute function dues.audit_row('id', 'data');
create or replace trigger job_schedule_audit after insert or delete or update of every, cron, enabled on dues.job_schedule
    for each row execute function dues.audit_row();
create or replace trigger setting_audit after insert or update or delete on dues.setting
    for each row execute function dues.audit_row();
create or replace trigger message_template_audit after insert or update or delete on dues.message_template
    for each row execute function dues.audit_row();
create or replace trigger membership_status_rule_audit after insert or update or delete on dues.membership_status_rule
    for each row execute function dues.audit_row();
create or replace trigger payment_method_audit after insert or update or delete on dues.payment_method
    for each row execute function dues.audit_row();

-- every cancellation of a class subscription (api.class_subscription_cancel), with the reason given
create or replace trigger class_subscription_cancellation_audit after insert on dues.class_subscription_cancellation
    for each row execute function dues.audit_row('class_subscription_id');

-- every pause of a recurring subscription and every resumption (api.recurring_subscription_pause, _resume), with the reason
create or replace trigger recurring_subscription_pause_audit after insert or update of resumed_on on dues.recurring_subscription_pause
    for each row execute function dues.audit_row();
create or replace trigger discount_audit after insert or update of ended_at on dues.discount
    for each row execute function dues.audit_row();
