-- Tests of api.class_list: the open classes to anyone, the closed ones too to staff; search, rule and pages.

create or replace function tests.test_class_list__lists_classes_newest_first_with_their_params()
returns setof text
language plpgsql
as $$
declare
    v_tag    text := 'Zx' || nextval('tests.fx_seq');
    v_free   bigint := (api.class_create('Open day ' || v_tag, 'free')).id;
    v_paid   bigint := (api.class_create('Pottery ' || v_tag, 'single_payment', '{"price": "25.00"}', null, 'Wheel and kiln')).id;
    v_closed bigint := (api.class_create('Old ' || v_tag, 'free')).id;
begin
    perform api.class_close(v_closed);
    return next is(array(select id from api.class_list(q => lower(v_tag))), array[v_closed, v_paid, v_free],
                   'staff see every class, newest first, found by a part of the title in any case');
    return next is(array(select id from api.class_list(q => 'KILN')), array[v_paid], 'or of the description');
    return next is(array(select id from api.class_list(q => v_tag, open_only => true)), array[v_paid, v_free],
                   'open_only leaves out the closed ones');
    return next is(array(select id from api.class_list(q => v_tag, rule => 'free')), array[v_closed, v_free], 'by rule');
    return next is((select (params, open, currency) from api.class_list(q => 'Pottery ' || v_tag)),
                   ('{"price": "25.00"}'::jsonb, true, 'USD'::char(3)), 'each with its parameter values and whether it is open');
    return next is(array(select id from api.class_list(q => v_tag, "limit" => 1, after => v_paid)), array[v_free],
                   'a page after the last id seen');
    perform tests.fx_as_member(tests.fx_member());
    return next is(array(select id from api.class_list(q => v_tag)), array[v_paid, v_free], 'a member sees the open classes');
    perform tests.fx_as_anonymous();
    return next is(array(select id from api.class_list(q => v_tag)), array[v_paid, v_free], 'so does a caller without a token');
end
$$;

create or replace function tests.test_class_list__refuses_arguments_outside_the_convention()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select * from api.class_list("limit" => 501)', 'DU300', null, 'a limit over 500');
    return next throws_ok('select * from api.class_list(after => -1)', 'DU301', null, 'an after below 1');
    return next throws_ok('select * from api.class_list(rule => ''lottery'')', 'DU004', null, 'an unknown rule');
end
$$;
