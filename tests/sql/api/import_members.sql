-- Tests of api.import_members.

create or replace function tests.test_import_members__imports_a_file_once()
returns setof text
language plpgsql
as $$
declare
    v_a      text := tests.fx_ref('imp') || '@example.org';
    v_b      text := tests.fx_ref('imp') || '@example.org';
    v_csv    text := pg_catalog.format(E'name,email,kind,paypal_email,joined_on,groups,status\n'
                                       '"Lovelace, Ada",%s,person,,2025-03-01,board,member\n'
                                       'Hackspace Ltd,%s,organization,pay@example.org,,,pending\n', v_a, v_b);
    v_report jsonb;
    v_before jsonb;
begin
    v_before := tests.fx_state();
    v_report := api.import_members(v_csv, true);
    return next is(v_report - 'errors', '{"kind": "members", "dry_run": true, "lines_read": 2, "imported": 2, "unchanged": 0, "bad_lines": 0}'::jsonb,
                   'a dry run reports what it would import');
    return next is(tests.fx_state(), v_before, 'a dry run changes nothing');
    v_report := api.import_members(v_csv);
    return next is(v_report ->> 'imported', '2', 'both lines are imported');
    return next is((select pg_catalog.jsonb_build_array(m.name, m.kind, m.paypal_email) from dues.member m where m.email = v_b),
                   '["Hackspace Ltd", "organization", "pay@example.org"]'::jsonb, 'with their kind and PayPal e-mail');
    return next ok(tests.fx_in_group((select m.id from dues.member m where m.email = v_a), 'board', '2025-03-01'),
                   'in their groups from joined_on');
    return next is((select pg_catalog.jsonb_build_array(ms.join_date, ms.start_date) from dues.membership ms
                      join dues.member m on m.id = ms.member_id where m.email = v_a),
                   '["2025-03-01", "2025-03-01"]'::jsonb, 'status member: joined and started on joined_on');
    return next ok(tests.fx_in_group((select m.id from dues.member m where m.email = v_b), 'pending_payments'),
                   'status pending: waiting for a first payment');
    v_before := tests.fx_state();
    v_report := api.import_members(v_csv);
    return next is((v_report ->> 'imported') || ' ' || (v_report ->> 'unchanged'), '0 2', 'imported again, every line is unchanged');
    return next is(tests.fx_state(), v_before, 'and nothing changes');
end
$$;

create or replace function tests.test_import_members__imports_nothing_and_names_every_bad_line()
returns setof text
language plpgsql
as $$
declare
    v_a      text := tests.fx_ref('imp') || '@example.org';
    v_csv    text := pg_catalog.format(E'name,email,kind,status,groups\n'
                                       'Ann,%s,person,,\n'
                                       'Bob,bob-at-example.org,person,,\n'
                                       'Cy,%s,robot,maybe,nogroup\n', v_a, tests.fx_ref('imp') || '@example.org');
    v_before jsonb := tests.fx_state();
    v_error  jsonb;
begin
    return next throws_ok(pg_catalog.format('select api.import_members(%L)', v_csv), 'DU650',
                          '2 of 3 lines of the members file are bad (the first: line 3: e-mail address "bob-at-example.org" is not valid): nothing was imported',
                          'a file with bad lines is refused');
    return next is(tests.fx_state(), v_before, 'nothing of it is imported, not even its good line');
    v_error := tests.fx_error(pg_catalog.format('select api.import_members(%L)', v_csv));
    return next is((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(e -> 'line', e -> 'column', e -> 'code'))
                      from pg_catalog.jsonb_array_elements((v_error ->> 'detail')::jsonb -> 'errors') e),
                   '[[3, "email", "DU018"], [4, "kind", "DU019"]]'::jsonb, 'the report names each bad line and column');
    return next throws_ok(pg_catalog.format('select api.import_members(%L, true)', v_csv), 'DU650', null, 'a dry run reports the same');
    return next throws_ok($q$select api.import_members(E'name,mail\nAnn,a@example.org\n')$q$, 'DU650', null, 'a wrong header');
    return next throws_ok(pg_catalog.format('select api.import_members(%L)', pg_catalog.format(E'name,email\nOther name,%s\n',
                              (select m.email from dues.member m where m.id = tests.fx_member()))), 'DU650', null,
                          'a member of the e-mail with another name is not rewritten');
end
$$;

create or replace function tests.test_import_members__is_for_staff()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select api.import_members(null)', 'DU014', null, 'a null file');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok($q$select api.import_members(E'name,email\n')$q$, '42501', null, 'a member may not import');
end
$$;
