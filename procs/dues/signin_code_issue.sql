-- Asks for a code for an address (signin_request, membership_apply): refuses past the hourly limits per address
-- (setting signin_requests_per_address) and per client address (signin_requests_per_client) with DU401, saying in its
-- detail when to retry; then records the request with a new 6-digit code's hash (valid signin_code_minutes) and, when
-- p_recipient is given, queues p_template to it with the code and the sign-in link. Every request does the same work,
-- whether or not a message is sent, so that the answer tells nothing about the address.
create or replace function dues.signin_code_issue(p_email text, p_purpose text, p_member_id bigint, p_name text, p_kind text,
                                                  p_template text, p_recipient text)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_email   text := pg_catalog.btrim(p_email);
    v_client  text := dues.client_address();
    v_minutes int  := dues.setting_int('signin_code_minutes', 15);
    v_oldest  timestamptz;
    v_code    text;
begin
    -- the requests of one address are counted one at a time
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.signin ' || pg_catalog.lower(v_email), 0));
    select min(q.created_at) into v_oldest
      from (select c.created_at from dues.signin_code c
             where pg_catalog.lower(c.email) = pg_catalog.lower(v_email) and c.created_at > pg_catalog.now() - interval '1 hour'
             order by c.created_at desc
             limit dues.setting_int('signin_requests_per_address', 5)) q
    having pg_catalog.count(*) >= dues.setting_int('signin_requests_per_address', 5);
    if v_oldest is null and v_client is not null then
        select min(q.created_at) into v_oldest
          from (select c.created_at from dues.signin_code c
                 where c.client_address = v_client and c.created_at > pg_catalog.now() - interval '1 hour'
                 order by c.created_at desc
                 limit dues.setting_int('signin_requests_per_client', 30)) q
        having pg_catalog.count(*) >= dues.setting_int('signin_requests_per_client', 30);
    end if;
    if v_oldest is not null then
        raise exception 'too many codes asked for: try again later'
            using errcode = 'DU401',
                  detail = pg_catalog.format('retry after %s s',
                               greatest(1, pg_catalog.ceil(extract(epoch from v_oldest + interval '1 hour' - pg_catalog.now())))::bigint),
                  hint = 'a code already sent stays valid for ' || v_minutes || ' minutes';
    end if;

    v_code := pg_catalog.lpad(((pg_catalog.get_byte(b.bytes, 0)::bigint << 24 | pg_catalog.get_byte(b.bytes, 1) << 16
                                | pg_catalog.get_byte(b.bytes, 2) << 8 | pg_catalog.get_byte(b.bytes, 3)) % 1000000)::text, 6, '0')
      from (select public.gen_random_bytes(4) as bytes) b;
    insert into dues.signin_code (email, purpose, member_id, name, kind, code_hash, client_address, expires_at)
    values (v_email, p_purpose, p_member_id, p_name, p_kind, dues.signin_code_hash(v_email, v_code), v_client,
            pg_catalog.now() + pg_catalog.make_interval(mins => v_minutes));
    if p_recipient is not null then
        perform dues.outbox_enqueue('email', p_template, p_recipient, pg_catalog.jsonb_build_object(
            'name', coalesce(p_name, (select m.name from dues.member m where m.id = p_member_id)),
            'code', v_code,
            'minutes', v_minutes,
            'link', pg_catalog.rtrim(dues.setting_text('site_url'), '/') || '/signin?email=' || dues.url_encode(v_email)
                    || '&code=' || v_code));
    end if;
end
$$;
