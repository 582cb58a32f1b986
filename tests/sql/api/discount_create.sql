-- Tests of api.discount_create.

create or replace function tests.test_discount_create__a_percent_or_an_amount()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_other    bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_percent  dues.discount_view;
    v_amount   dues.discount_view;
    v_code     text := 'SPRING' || nextval('tests.fx_seq');
begin
    v_percent := api.discount_create(v_code, percent => 20, max_uses => 10);
    return next is((v_percent.code, v_percent.percent, v_percent.amount, v_percent.currency, v_percent.valid_from,
                    v_percent.valid_until, v_percent.max_uses, v_percent.periods, v_percent.class_ids, v_percent.uses,
                    v_percent.discounted, v_percent.ended_at),
                   (v_code, 20.00::numeric(5,2), null::numeric(14,2), null::char(3), tests.fx_today(), null::date, 10, null::int,
                    null::bigint[], 0, 0.00::numeric(14,2), null::timestamptz),
                   'a percent discount: from today, no end, for every class, not used yet');
    v_amount := api.discount_create('TEN' || nextval('tests.fx_seq'), amount => 10, valid_from => tests.fx_day(1, 1),
                                    valid_until => tests.fx_day(1, 31), class_ids => array[v_other, v_class, v_class],
                                    periods => 3);
    return next is((v_amount.amount, v_amount.currency, v_amount.valid_until, v_amount.class_ids, v_amount.periods),
                   (10.00::numeric(14,2), 'USD'::char(3), tests.fx_day(1, 31),
                    (select array_agg(c order by c) from unnest(array[v_class, v_other]) c), 3),
                   'an amount discount is in the default currency, for the classes named (each once), for three periods');
    return next is((select count(*)::int from dues.audit_log where table_name = 'discount' and row_id = v_amount.id), 1,
                   'its creation is in the audit log');
end
$$;

create or replace function tests.test_discount_create__refuses_bad_terms()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_euro   bigint := tests.fx_class('single_payment', '{"price": "40.00"}', 'EUR');
    v_code   text := 'TAKEN' || nextval('tests.fx_seq');
    v_before jsonb;
begin
    perform api.discount_create(v_code, percent => 5);
    v_before := tests.fx_state();
    return next throws_ok($q$select api.discount_create('BOTH', percent => 5, amount => 5)$q$, 'DU726',
                          'a discount takes either a percent or an amount off, not both nor neither', 'not both a percent and an amount');
    return next throws_ok($q$select api.discount_create('NEITHER')$q$, 'DU726', null, 'nor neither');
    return next throws_ok($q$select api.discount_create('ZERO', percent => 0)$q$, 'DU726', null, 'a percent of 0 is refused');
    return next throws_ok($q$select api.discount_create('MORE', percent => 100.01)$q$, 'DU726', null, 'above 100 is refused');
    return next throws_ok($q$select api.discount_create('FINE', percent => 10.005)$q$, 'DU726', null, 'as are 3 decimals');
    return next throws_ok($q$select api.discount_create('CUR', percent => 10, currency => 'USD')$q$, 'DU726', null,
                          'a percent has no currency');
    return next throws_ok($q$select api.discount_create('NEG', amount => -5)$q$, 'DU726', null, 'an amount below 0 is refused');
    return next throws_ok(format('select api.discount_create(%L, percent => 10, valid_from => %L, valid_until => %L)', 'BACK',
                                 tests.fx_day(2, 1), tests.fx_day(1, 31)), 'DU726', null, 'an end before the start is refused');
    return next throws_ok($q$select api.discount_create('NONE', percent => 10, max_uses => 0)$q$, 'DU726', null,
                          'max_uses 0 is refused (null is no limit)');
    return next throws_ok($q$select api.discount_create('NOPE', percent => 10, periods => 0)$q$, 'DU726', null, 'periods 0 too');
    return next throws_ok($q$select api.discount_create('two words', percent => 10)$q$, 'DU726', null, 'a code with a space too');
    return next throws_ok(format('select api.discount_create(%L, percent => 10)', lower(v_code)), 'DU725',
                          format('discount code %s is taken', lower(v_code)), 'a code is unique whatever its case');
    return next throws_ok($q$select api.discount_create('GONE', percent => 10, class_ids => array[-1]::bigint[])$q$, 'DU002', null,
                          'an unknown class is refused');
    return next throws_ok(format('select api.discount_create(%L, amount => 5, class_ids => array[%s, %s])', 'MIXED', v_class, v_euro),
                          'DU723', format('discount of 5 USD cannot be for class %s, billed in EUR', v_euro),
                          'an amount in dollars is for no class billed in euros');
    return next throws_ok($q$select api.discount_create('XXX', amount => 5, currency => 'XXX')$q$, 'DU021', null,
                          'an unknown currency is refused');
    return next throws_ok($q$select api.discount_create('CENTS', amount => 5.001)$q$, 'DU023', null, 'as is a tenth of a cent');
    return next throws_ok($q$select api.discount_create(null, percent => 5)$q$, 'DU014', null, 'a code is required');
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
end
$$;

create or replace function tests.test_discount_create__staff_only()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok($q$select api.discount_create('MINE', percent => 100)$q$, '42501', null,
                          'a member cannot make itself a discount');
    perform tests.fx_as_anonymous();
    return next throws_ok($q$select api.discount_create('FREE', percent => 100)$q$, '42501', null,
                          'nor can a request without a token');
    return next function_privs_are('api', 'discount_create',
                                   array['text', 'numeric', 'numeric', 'text', 'date', 'date', 'integer', 'bigint[]', 'integer'],
                                   'dues_member', array[]::text[], 'dues_member may not execute it');
end
$$;
