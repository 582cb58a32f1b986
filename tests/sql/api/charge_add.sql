-- Tests of api.charge_add.

create or replace function tests.test_charge_add__goes_on_the_next_invoice()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_charge dues.charge;
begin
    v_charge := api.charge_add(v_member, v_class, 12.50, '  Extra mailbox  ', tests.fx_day(3, 10));
    return next is((v_charge.kind, v_charge.description, v_charge.amount, v_charge.currency),
                   ('charge'::text, 'Extra mailbox'::text, 12.50::numeric(14,2), 'USD'::char(3)), 'the charge is recorded');
    perform tests.fx_collect(tests.fx_day(2, 20));
    return next is(tests.fx_invoice_ids(v_member), '{}'::bigint[], 'not before the lead time');
    perform tests.fx_collect(tests.fx_day(2, 24));
    return next is((select array_agg((kind, description, amount)::text) from dues.invoice_line where charge_id = v_charge.id),
                   '{"(charge,\"Extra mailbox\",12.50)"}'::text[], 'fourteen days before its due date it is invoiced');
    perform tests.fx_collect(tests.fx_day(3, 24));
    return next is(cardinality(tests.fx_invoice_ids(v_member)), 1, 'once');
end
$$;

create or replace function tests.test_charge_add__refuses_bad_arguments()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_master bigint := tests.fx_member();
    v_member bigint := tests.fx_member();
    v_before jsonb;
begin
    perform api.member_link(v_member, v_master);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.charge_add(%s, %s, 0, %L)', v_master, v_class, 'x'), 'DU020',
                          'charge amount must be positive, got 0', 'a zero charge is refused');
    return next throws_ok(format('select api.charge_add(%s, %s, 1.001, %L)', v_master, v_class, 'x'), 'DU023', null,
                          'a third decimal is refused');
    return next throws_ok(format('select api.charge_add(%s, %s, 1, %L)', v_master, v_class, ' '), 'DU017',
                          'description must not be blank', 'a blank description is refused');
    return next throws_ok(format('select api.charge_add(%s, -1, 1, %L)', v_master, 'x'), 'DU002', 'class -1 not found',
                          'an unknown class is refused');
    return next throws_ok(format('select api.charge_add(%s, %s, 1, %L)', v_member, v_class, 'x'), 'DUB12', null,
                          'a linked member is not charged on its own');
    perform tests.fx_as_member(v_master);
    return next throws_ok(format('select api.charge_add(%s, %s, 1, %L)', v_master, v_class, 'x'), '42501', null,
                          'only staff add charges');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
