-- Tests of "not yours" and "does not exist" being one answer (dues.refuse_record): a member naming another member's
-- record by id gets the same error, but for the id, as for an id that names nothing.

-- The error a statement raises, its message with the number p_id masked as <id>.
create or replace function tests.fx_refusal(p_sql text, p_id bigint)
returns jsonb
language plpgsql
as $$
declare
    v_state   text;
    v_message text;
    v_detail  text;
    v_hint    text;
begin
    execute p_sql;
    return null;
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_detail = pg_exception_detail, v_hint = pg_exception_hint;
    return jsonb_build_object('sqlstate', v_state, 'message', regexp_replace(v_message, '(?<![0-9])' || p_id || '(?![0-9])', '<id>', 'g'),
                              'detail', v_detail, 'hint', v_hint);
end
$$;

create or replace function tests.test_not_yours__every_record_is_refused_as_if_it_did_not_exist()
returns setof text
language plpgsql
as $$
declare
    v_ann     bigint := tests.fx_member();
    v_bob     bigint := tests.fx_member();
    v_class   bigint := tests.fx_recurring_class();
    v_sub     bigint := tests.fx_subscribe(v_bob, v_class, tests.fx_day(1, 1));
    v_contact bigint := (api.contact_add(v_bob, 'other', 'Bob at work')).id;
    v_so      bigint := (api.service_order_create(v_bob, 'site')).id;
    v_order   bigint := tests.fx_order(v_bob, tests.fx_class());
    v_invoice bigint;
    v_none    bigint := 987654321;
    v_case    record;
begin
    perform api.charge_add(v_bob, v_class, 5.00, 'badge');
    perform tests.fx_collect(tests.fx_today());
    v_invoice := (tests.fx_invoice_ids(v_bob))[1];
    perform tests.fx_as_member(v_ann);
    for v_case in
        select * from (values
            ('invoice_get', 'select api.invoice_get(%s)', v_invoice),
            ('contact_remove', 'select api.contact_remove(%s)', v_contact),
            ('recurring_subscription_cancel', 'select api.recurring_subscription_cancel(%s)', v_sub),
            ('recurring_subscription_pause', format('select api.recurring_subscription_pause(%%s, %L, %L)', tests.fx_day(2, 1), tests.fx_day(2, 7)), v_sub),
            ('recurring_subscription_resume', format('select api.recurring_subscription_resume(%%s, %L)', tests.fx_day(2, 1)), v_sub),
            ('recurring_subscription_change_class', format('select api.recurring_subscription_change_class(%%s, %s, %L)', v_class, tests.fx_day(2, 1)), v_sub),
            ('service_order_close', 'select api.service_order_close(%s)', v_so),
            ('role_list', 'select api.role_list(service_order_id => %s)', v_so),
            ('role_grant', format('select api.role_grant(%s, %L, service_order_id => %%s)', v_ann, 'manager'), v_so),
            ('order_confirm', 'select api.order_confirm(%s)', v_order),
            ('member_balance', 'select api.member_balance(%s)', v_bob)
        ) c(name, stmt, id)
    loop
        return next is(tests.fx_refusal(format(v_case.stmt, v_case.id), v_case.id),
                       tests.fx_refusal(format(v_case.stmt, v_none), v_none),
                       v_case.name || ': another member''s record and none are refused alike');
        return next is(tests.fx_refusal(format(v_case.stmt, v_none), v_none) ->> 'sqlstate', '42501',
                       v_case.name || ': as not allowed');
    end loop;
end
$$;
