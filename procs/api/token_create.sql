create or replace function api.token_create(
    member_id  bigint      default null,
    staff      boolean     default false,
    expires_at timestamptz default null,
    label      text        default null,
    out token            text,
    out token_id         bigint,
    out token_member_id  bigint,
    out token_staff      boolean,
    out token_expires_at timestamptz
)
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if token_create.staff is null or token_create.staff = (token_create.member_id is not null) then
        raise exception 'a token is either for a member (member_id) or for staff (staff => true)'
            using errcode = 'DU071';
    end if;
    if token_create.expires_at is not null and token_create.expires_at <= pg_catalog.now() then
        raise exception 'expires_at % is in the past', token_create.expires_at using errcode = 'DU071';
    end if;
    if token_create.member_id is not null then
        perform dues.member_get(token_create.member_id);
    end if;
    -- 244 random bits from the server's strong random source
    token := 'dues_' || pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '')
                       || pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '');
    insert into dues.api_token (token_hash, member_id, staff, label, expires_at)
    values (pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(token, 'UTF8')), 'hex'),
            token_create.member_id, token_create.staff, token_create.label, token_create.expires_at)
    returning id into token_id;
    token_member_id := token_create.member_id;
    token_staff := token_create.staff;
    token_expires_at := token_create.expires_at;
end
$$;

comment on function api.token_create(bigint, boolean, timestamptz, text) is
    'Creates an API token for a member (member_id) or for staff (staff => true), optionally expiring at expires_at. '
    'The token is returned once and stored only as a hash: keep it. Staff only.';

grant execute on function api.token_create(bigint, boolean, timestamptz, text) to dues_staff;
