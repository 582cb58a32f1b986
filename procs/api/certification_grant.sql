create or replace function api.certification_grant(member_id bigint, item_id bigint, certified_by bigint default null,
                                                   note text default null)
returns dues.certification
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_cert dues.certification;
begin
    perform dues.authorize_staff();
    perform dues.member_get(certification_grant.member_id);
    perform dues.item_get(certification_grant.item_id);
    if certification_grant.certified_by is not null then
        perform dues.member_get(certification_grant.certified_by);
        if certification_grant.certified_by = certification_grant.member_id then
            raise exception 'member % cannot certify itself', certification_grant.member_id using errcode = 'DU01H';
        end if;
    end if;
    perform dues.audit_why(certification_grant.note);
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
        pg_catalog.format('dues.certification %s %s', certification_grant.member_id, certification_grant.item_id), 0));
    select c.* into v_cert from dues.certification c
     where c.member_id = certification_grant.member_id and c.item_id = certification_grant.item_id and c.revoked_at is null;
    if not found then
        insert into dues.certification as c (member_id, item_id, certified_by, note)
        values (certification_grant.member_id, certification_grant.item_id, certification_grant.certified_by, certification_grant.note)
        returning c.* into v_cert;
    end if;
    return v_cert;
end
$$;

comment on function api.certification_grant(bigint, bigint, bigint, text) is
$$Records that a member was trained on a machine (item), by whom (certified_by, a member; not itself) and when (now), with a note.
A member already certified keeps its certification. Audited. Returns the certification. Staff only.
Errors: DU014 an argument is null, DU001 unknown member or certifier, DU01H self-certification, DU122 unknown item.$$;

grant execute on function api.certification_grant(bigint, bigint, bigint, text) to dues_staff;
