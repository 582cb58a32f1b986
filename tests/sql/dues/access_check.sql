-- Tests of dues.access_check (POST /access/check): signed requests, nonces, decisions and the log.

create or replace function tests.test_access_check__grants_a_member_of_a_granted_group()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_member bigint := tests.fx_member();
    v_badge  text := tests.fx_badge(v_member);
    v_log    dues.access_log;
begin
    perform api.access_grant(tests.fx_group_id('members'), v_door.id);
    perform api.group_add(v_member, tests.fx_group_id('members'));
    return next is(tests.fx_access(v_device, v_door.name, v_badge), '{"granted": true, "reason": "granted"}'::jsonb,
                   'a member of a group granted the door may open it');
    select * into v_log from dues.access_log where device_id = v_device.id;
    return next is((v_log.item_id, v_log.item, v_log.badge, v_log.member_id, v_log.granted, v_log.reason),
                   (v_door.id, v_door.name, v_badge, v_member, true, 'granted'::text), 'the decision is logged');
    return next is(v_log.at, now(), 'at the time of the request');
end
$$;

create or replace function tests.test_access_check__denies_and_logs_why()
returns setof text
language plpgsql
as $$
declare
    v_device  dues.device := tests.fx_device();
    v_door    dues.item := tests.fx_item();
    v_laser   dues.item := tests.fx_item(true);
    v_member  bigint := tests.fx_member();
    v_badge   text := tests.fx_badge(v_member);
    v_outside bigint := tests.fx_member();
    v_other   text := tests.fx_badge(v_outside);
    v_lost    text := tests.fx_badge(v_member);
begin
    perform api.group_add(v_member, tests.fx_group_id('members'));
    perform api.access_grant(tests.fx_group_id('members'), v_door.id);
    perform api.access_grant(tests.fx_group_id('members'), v_laser.id);
    perform api.badge_revoke(v_lost, 'lost');
    return next is(tests.fx_access(v_device, v_door.name, 'no-such-badge'), '{"granted": false, "reason": "unknown_badge"}'::jsonb,
                   'an unknown badge is denied');
    return next is(tests.fx_access(v_device, v_door.name, v_lost), '{"granted": false, "reason": "badge_revoked"}'::jsonb,
                   'a revoked badge is denied');
    return next is(tests.fx_access(v_device, 'no_such_item', v_badge), '{"granted": false, "reason": "unknown_item"}'::jsonb,
                   'an unknown item is denied');
    return next is(tests.fx_access(v_device, v_door.name, v_other), '{"granted": false, "reason": "no_grant"}'::jsonb,
                   'a member of no group granted the door is denied');
    return next is(tests.fx_access(v_device, v_laser.name, v_badge), '{"granted": false, "reason": "not_certified"}'::jsonb,
                   'a machine that requires certification denies a member without one');
    perform api.certification_grant(v_member, v_laser.id, v_outside, 'laser safety course');
    return next is(tests.fx_access(v_device, v_laser.name, v_badge), '{"granted": true, "reason": "granted"}'::jsonb,
                   'and grants it once certified');
    update dues.item set active = false where id = v_door.id;
    return next is(tests.fx_access(v_device, v_door.name, v_badge), '{"granted": false, "reason": "item_disabled"}'::jsonb,
                   'a disabled item is denied');
    return next results_eq(format('select badge, member_id, granted, reason from dues.access_log where device_id = %s order by id', v_device.id),
                           format($q$values ('no-such-badge'::text, null::bigint, false, 'unknown_badge'::text),
                                            (%L, null, false, 'badge_revoked'),
                                            (%L, %s, false, 'unknown_item'),
                                            (%L, %s, false, 'no_grant'),
                                            (%L, %s, false, 'not_certified'),
                                            (%L, %s, true, 'granted'),
                                            (%L, %s, false, 'item_disabled')$q$,
                                  v_lost, v_badge, v_member, v_other, v_outside, v_badge, v_member, v_badge, v_member, v_badge, v_member),
                           'every decision is logged, unknown badges included');
end
$$;

create or replace function tests.test_access_check__a_member_who_left_members_is_denied()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_member bigint := tests.fx_joined_member();
    v_badge  text := tests.fx_badge(v_member);
begin
    perform api.access_grant(tests.fx_group_id('members'), v_door.id);
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now());
    return next is(tests.fx_access(v_device, v_door.name, v_badge) ->> 'granted', 'true', 'a paying member opens the door');
    perform jobs.expire(now() + interval '90 days');
    return next is(tests.fx_access(v_device, v_door.name, v_badge, now() + interval '90 days'),
                   '{"granted": false, "reason": "no_grant"}'::jsonb, 'not once removed from members at 90 days');
end
$$;

create or replace function tests.test_access_check__refuses_a_bad_signature_or_device()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_body   text := tests.fx_access_body(v_device.name, v_door.name, 'b1');
    v_sig    text := tests.fx_sign(v_body, v_device.secret_key);
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok(format('select dues.access_check(%L, %L, now())', v_body, tests.fx_sign(v_body, 'another-key-0000000')),
                          'DU120', 'access check refused: unknown device or bad signature', 'a signature with another key');
    return next throws_ok(format('select dues.access_check(%L, %L, now())', replace(v_body, 'b1', 'b2'), v_sig),
                          'DU120', null, 'a body changed after signing');
    return next throws_ok(format('select dues.access_check(%L, %L, now())', v_body, ''),
                          'DU120', null, 'no signature');
    return next throws_ok(format('select dues.access_check(%L, %L, now())', replace(v_body, v_device.name, 'fx-unknown'), v_sig),
                          'DU120', null, 'an unknown device, refused alike');
    return next is(tests.fx_state(), v_before, 'nothing was logged and no nonce used');
    return next lives_ok(format('select dues.access_check(%L, %L, now())', v_body, upper(v_sig)), 'the hex signature in capitals is fine');
    perform api.device_disable(v_device.id);
    return next throws_ok(format('select dues.access_check(%L, %L, now())', replace(v_body, 'b1', 'b3'),
                                 tests.fx_sign(replace(v_body, 'b1', 'b3'), v_device.secret_key)),
                          'DU120', null, 'a disabled device');
end
$$;

create or replace function tests.test_access_check__refuses_a_reused_nonce()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_other  dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_body   text := tests.fx_access_body(v_device.name, v_door.name, 'b1', 'n-42');
    v_before jsonb;
begin
    perform dues.access_check(v_body, tests.fx_sign(v_body, v_device.secret_key), now());
    v_before := tests.fx_state();
    return next throws_ok(format('select dues.access_check(%L, %L, now())', v_body, tests.fx_sign(v_body, v_device.secret_key)),
                          'DU121', format('nonce n-42 was already used by device %s', v_device.name), 'a replayed request is refused');
    return next is(tests.fx_state(), v_before, 'and not logged');
    v_body := tests.fx_access_body(v_other.name, v_door.name, 'b1', 'n-42');
    return next lives_ok(format('select dues.access_check(%L, %L, now())', v_body, tests.fx_sign(v_body, v_other.secret_key)),
                         'another device may use the same nonce');
end
$$;

create or replace function tests.test_access_check__refuses_a_body_it_cannot_read()
returns setof text
language plpgsql
as $$
declare
    v_device dues.device := tests.fx_device();
    v_body   text;
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$select dues.access_check('{"device": ', 'x', now())$q$, 'DU127', 'the access check body is not JSON',
                          'a body that is not JSON');
    return next throws_ok($q$select dues.access_check('[1]', 'x', now())$q$, 'DU127',
                          null, 'a body that is not an object');
    return next throws_ok($q$select dues.access_check(null, 'x', now())$q$, 'DU127',
                          null, 'no body');
    v_body := format('{"device": %s, "item": "door", "badge": "b1"}', to_json(v_device.name));
    return next throws_ok(format('select dues.access_check(%L, %L, now())', v_body, tests.fx_sign(v_body, v_device.secret_key)),
                          'DU127', null, 'a signed body without a nonce');
    v_body := format('{"device": %s, "item": {"id": 1}, "badge": "b1", "nonce": "n"}', to_json(v_device.name));
    return next throws_ok(format('select dues.access_check(%L, %L, now())', v_body, tests.fx_sign(v_body, v_device.secret_key)),
                          'DU127', null, 'an item that is not a string');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    v_body := format('{"nonce": 7, "badge": 12345, "item": "door", "device": %s}', to_json(v_device.name));
    return next is(dues.access_check(v_body, tests.fx_sign(v_body, v_device.secret_key), now()),
                   '{"granted": false, "reason": "unknown_item"}'::jsonb, 'numbers and any key order are fine');
end
$$;

-- The functions a statement called, with how many times (needs track_functions; counts of this transaction).
create or replace function tests.fx_calls_of(p_sql text)
returns jsonb
language plpgsql
as $$
declare
    v_before jsonb;
    v_after  jsonb;
begin
    select coalesce(jsonb_object_agg(schemaname || '.' || funcname, calls), '{}') into v_before from pg_stat_xact_user_functions;
    begin
        execute p_sql;
    exception when others then
        null;
    end;
    select coalesce(jsonb_object_agg(f.schemaname || '.' || f.funcname, f.calls - coalesce((v_before ->> (f.schemaname || '.' || f.funcname))::bigint, 0)), '{}')
      into v_after
      from pg_stat_xact_user_functions f
     where f.calls > coalesce((v_before ->> (f.schemaname || '.' || f.funcname))::bigint, 0);
    return v_after;
end
$$;

create or replace function tests.test_access_check__an_unknown_device_costs_the_same_work_as_a_wrong_key()
returns setof text
language plpgsql
as $$
declare
    v_device  dues.device := tests.fx_device();
    v_item    dues.item := tests.fx_item();
    v_known   text := tests.fx_access_body(v_device.name, v_item.name, 'b-1');
    v_unknown text := tests.fx_access_body('no-such-device', v_item.name, 'b-1');
    v_wrong   jsonb;
    v_nobody  jsonb;
begin
    set local track_functions = 'all';
    v_wrong := tests.fx_calls_of(format('select dues.access_check(%L, %L, now())', v_known, tests.fx_sign(v_known, 'not the key')));
    v_nobody := tests.fx_calls_of(format('select dues.access_check(%L, %L, now())', v_unknown, tests.fx_sign(v_unknown, 'not the key')));
    return next ok(v_wrong ? 'dues.access_signature', 'a wrong key is refused after computing the signature');
    return next is(v_nobody, v_wrong, 'an unknown device is refused after calling the same functions as many times');
end
$$;
