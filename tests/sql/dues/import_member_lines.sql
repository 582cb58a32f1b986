-- Tests of dues.import_member_lines (through api.import_members, which reads the file and reports).

create or replace function tests.test_import_member_lines__a_file_may_name_a_member_more_than_once()
returns setof text
language plpgsql
as $$
declare
    v_a      text := tests.fx_ref('dup') || '@example.org';
    v_csv    text := pg_catalog.format(E'name,email,kind,status,groups\n'
                                       'Ann,%s,person,pending,board;board\n'
                                       'Ann,%s,person,member,\n'
                                       'Ann,%s,person,,\n', v_a, pg_catalog.upper(v_a), v_a);
    v_report jsonb;
    v_ann    bigint;
begin
    v_report := api.import_members(v_csv);
    return next is((v_report ->> 'imported') || ' ' || (v_report ->> 'unchanged'), '1 2',
                   'the first line of an e-mail makes the member, the others are the same member (any case)');
    v_ann := (select m.id from dues.member m where m.email = v_a);
    return next is((select pg_catalog.count(*) from dues.group_membership g where g.member_id = v_ann and g.group_id = tests.fx_group_id('board')),
                   1::bigint, 'a group named twice is joined once');
    return next ok(tests.fx_in_group(v_ann, 'pending_payments'), 'the first line''s status');
    return next is((select ms.start_date from dues.membership ms where ms.member_id = v_ann), null, 'not the second''s');
    return next throws_ok(pg_catalog.format('select api.import_members(%L)', pg_catalog.format(E'name,email\nBo,%s\nBob,%s\n', v_a || '.x', v_a || '.x')),
                          'DU650', null, 'a later line of the e-mail with another name is a bad line');
    return next matches((tests.fx_error(pg_catalog.format('select api.import_members(%L)',
                             pg_catalog.format(E'name,email\nBo,%s\nBob,%s\n', v_a || '.x', v_a || '.x'))) ->> 'detail')::jsonb -> 'errors' -> 0 ->> 'reason',
                        '^e-mail \S+ is member [0-9]+''s, named "Bo", not "Bob": an import does not change members',
                   'naming the member the earlier line makes');
end
$$;

create or replace function tests.test_import_member_lines__names_the_first_fault_of_every_line()
returns setof text
language plpgsql
as $$
declare
    v_id     bigint;
    v_known  dues.member;
    v_csv    text;
    v_before jsonb;
    v_error  jsonb;
begin
    v_id := tests.fx_member();
    select m.* into v_known from dues.member m where m.id = v_id;
    update dues.setting set value = '10' where name = 'text_limit_name';
    v_csv := pg_catalog.format(E'name,email,kind,paypal_email,joined_on,groups,status\n'
                               ',%1$s,person,,,,\n'                                  -- 2 name blank
                               'Ann,,person,,,,\n'                                   -- 3 email blank
                               'Ann,%2$s,person,,2025-02-30,,\n'                     -- 4 a day that does not exist
                               'Ann,%2$s,person,pp-at-example.org,,,\n'              -- 5 PayPal e-mail
                               'Ann,%2$s,person,,,,gone\n'                           -- 6 status
                               'Ann,%2$s,person,,,board;nogroup;other,\n'            -- 7 the first unknown group key
                               'Annabel Lee Poe,%2$s,person,,,,\n'                   -- 8 longer than text_limit_name
                               '%3$s,%4$s,%7$s,%6$s,,,\n'                            -- 9 a member there already, of another kind
                               '%3$s,%4$s,%5$s,other@example.org,,,\n'               -- 10 ... another PayPal e-mail
                               '%3$s,%4$s,%5$s,%6$s,2020-01-01,board,member\n',      -- 11 the same: unchanged
                               tests.fx_ref('f') || '@example.org', tests.fx_ref('f') || '@example.org',
                               v_known.name, pg_catalog.upper(v_known.email), v_known.kind, coalesce(v_known.paypal_email, ''),
                               case v_known.kind when 'person' then 'organization' else 'person' end);
    v_before := tests.fx_state();
    v_error := tests.fx_error(pg_catalog.format('select api.import_members(%L)', v_csv));
    return next is(v_error ->> 'sqlstate', 'DU650', 'the file is refused');
    return next is((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(e -> 'line', e -> 'column', e -> 'code') order by (e ->> 'line')::int)
                      from pg_catalog.jsonb_array_elements((v_error ->> 'detail')::jsonb -> 'errors') e),
                   '[[2, "name", "DU650"], [3, "email", "DU650"], [4, "joined_on", "DU650"], [5, "paypal_email", "DU018"],
                     [6, "status", "DU019"], [7, "groups", "DU110"], [8, null, "DU016"], [9, "kind", "DU015"],
                     [10, "paypal_email", "DU015"]]'::jsonb,
                   'every bad line with its column and code');
    return next is((select pg_catalog.jsonb_object_agg(e ->> 'line', e ->> 'reason')
                      from pg_catalog.jsonb_array_elements((v_error ->> 'detail')::jsonb -> 'errors') e
                     where (e ->> 'line')::int in (4, 7, 8)),
                   '{"4": "joined_on \"2025-02-30\" is not a date YYYY-MM-DD", "7": "no group has the key \"nogroup\"",
                     "8": "name is 15 characters long, at most 10 are allowed"}'::jsonb,
                   'and its reason');
    return next is((v_error ->> 'detail')::jsonb ->> 'unchanged', '1', 'the good line is counted');
    return next is(tests.fx_state(), v_before, 'nothing changes');
end
$$;

create or replace function tests.test_import_member_lines__waived_and_today()
returns setof text
language plpgsql
as $$
declare
    v_a      text := tests.fx_ref('w') || '@example.org';
    v_member bigint;
begin
    perform api.import_members(pg_catalog.format(E'email,name,status\n%s,Wren,WAIVED\n', v_a));
    v_member := (select m.id from dues.member m where m.email = v_a);
    return next is((select pg_catalog.jsonb_build_array(ms.join_date, ms.start_date, ms.waived) from dues.membership ms where ms.member_id = v_member),
                   pg_catalog.jsonb_build_array(dues.local_date(pg_catalog.now()), null, true),
                   'waived: joined today (no joined_on), not started, dues waived');
    return next ok(tests.fx_in_group(v_member, 'members', dues.local_date(pg_catalog.now())), 'in the group members from today');
    return next is((select pg_catalog.count(*) from dues.audit_log l where l.table_name = 'membership' and l.member_id = v_member and l.why = 'import members'),
                   1::bigint, 'the membership is in the audit log, with why');
end
$$;
