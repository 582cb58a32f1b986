-- Tests of dues.token_identity.

create or replace function tests.test_token_identity__says_who_a_token_is()
returns setof text
language plpgsql
as $$
declare
    v_member bigint         := tests.fx_member();
    v_token  dues.api_token := tests.fx_token(v_member, now() + interval '1 day');
    v_staff  dues.api_token := tests.fx_token();
begin
    return next results_eq(format('select role, member_id, actor, expires_at from dues.token_identity(%L)', v_token.token_hash),
                           format($q$values ('dues_member'::text, %s::bigint, 'member %s'::text, %L::timestamptz)$q$,
                                  v_member, v_member, v_token.expires_at),
                           'a member''s token: its member, and when it expires');
    return next results_eq(format('select role, member_id, actor from dues.token_identity(%L)', v_staff.token_hash),
                           format($q$values ('dues_staff'::text, null::bigint, 'staff token %s'::text)$q$, v_staff.id),
                           'a staff token acts for no member');
    return next results_eq('select role, member_id, actor from dues.token_identity(null)',
                           $q$values ('dues_anonymous'::text, null::bigint, 'anonymous'::text)$q$,
                           'no token: anonymous');
end
$$;

create or replace function tests.test_token_identity__refuses_unknown_expired_and_revoked_tokens()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint         := tests.fx_member();
    v_expired dues.api_token := tests.fx_token(v_member, now() - interval '1 second');
    v_revoked dues.api_token := tests.fx_token(v_member);
begin
    update dues.api_token set revoked_at = now() where id = v_revoked.id;
    return next throws_ok(format('select * from dues.token_identity(%L)', repeat('0', 64)), '28000',
                          'invalid, expired or revoked token', 'an unknown token');
    return next throws_ok(format('select * from dues.token_identity(%L)', v_expired.token_hash), '28000',
                          'invalid, expired or revoked token', 'an expired token');
    return next throws_ok(format('select * from dues.token_identity(%L)', v_revoked.token_hash), '28000',
                          'invalid, expired or revoked token', 'a revoked token');
end
$$;
