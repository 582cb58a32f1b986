-- Tests of api.token_list: tokens a member's or everyone's, never their hashes.

create or replace function tests.test_token_list__lists_tokens_without_their_hashes()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_mine    bigint := (api.token_create(v_member, label => 'phone')).token_id;
    v_expired dues.api_token := tests.fx_token(v_member, now() - interval '1 day');
    v_staff   bigint := (api.token_create(staff => true, label => 'treasurer')).token_id;
begin
    perform api.token_revoke(v_mine);
    return next is(array(select id from api.token_list(v_member)), array[v_expired.id, v_mine], 'a member''s tokens, newest first');
    return next is((select (member_id, label, kind, revoked_at) from api.token_list(v_member) where id = v_mine),
                   (v_member, 'phone'::text, 'member'::text, now()), 'each with its member, label, kind and revocation');
    return next is((select expires_at from api.token_list(v_member) where id = v_expired.id), now() - interval '1 day',
                   'and its expiry');
    return next is((select (member_id, kind) from api.token_list() where id = v_staff), (null::bigint, 'staff'::text),
                   'everyone''s, staff tokens too');
    return next ok((select bool_and(to_jsonb(t)::text not like '%' || v_expired.token_hash || '%') from api.token_list() t),
                   'never a hash');
    return next is(array(select id from api.token_list(v_member, "limit" => 1, after => v_expired.id)), array[v_mine], 'a page at a time');
end
$$;

create or replace function tests.test_token_list__refuses_bad_arguments_and_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next throws_ok('select * from api.token_list(987654321)', 'DU001', null, 'an unknown member');
    return next throws_ok('select * from api.token_list("limit" => 501)', 'DU300', null, 'a limit over 500');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select * from api.token_list(%s)', v_member), '42501', null, 'staff only');
end
$$;
