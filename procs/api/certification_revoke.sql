create or replace function api.certification_revoke(member_id bigint, item_id bigint, why text default null)
returns dues.certification
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_cert dues.certification;
begin
    perform dues.authorize_staff();
    perform dues.member_get(certification_revoke.member_id);
    perform dues.item_get(certification_revoke.item_id);
    perform dues.audit_why(certification_revoke.why);
    update dues.certification c
       set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where c.member_id = certification_revoke.member_id and c.item_id = certification_revoke.item_id and c.revoked_at is null
    returning c.* into v_cert;
    if not found then
        raise exception 'member % is not certified on item %', certification_revoke.member_id, certification_revoke.item_id
            using errcode = 'DU126';
    end if;
    return v_cert;
end
$$;

comment on function api.certification_revoke(bigint, bigint, text) is
$$Withdraws a member's certification on a machine. Kept as history, audited with why. Staff only.
Errors: DU014 an argument is null, DU001 unknown member, DU122 unknown item, DU126 not certified.$$;

grant execute on function api.certification_revoke(bigint, bigint, text) to dues_staff;
