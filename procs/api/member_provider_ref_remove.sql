-- Ends a member's provider id: webhook events naming it are no longer matched to the member by it.
create or replace function api.member_provider_ref_remove(member_id bigint, provider text, ref text)
returns dues.member_provider_ref_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_found dues.member_provider_ref;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('provider', member_provider_ref_remove.provider is null);
    perform dues.require_argument('ref', member_provider_ref_remove.ref is null);
    perform dues.member_get(member_provider_ref_remove.member_id);
    update dues.member_provider_ref r
       set ended_at = pg_catalog.now(), ended_by = dues.actor()
     where r.member_id = member_provider_ref_remove.member_id and r.provider = member_provider_ref_remove.provider
       and r.ref = pg_catalog.btrim(member_provider_ref_remove.ref) and r.ended_at is null
    returning r.* into v_found;
    if not found then
        raise exception 'member % has no % id %', member_provider_ref_remove.member_id, member_provider_ref_remove.provider,
                        member_provider_ref_remove.ref
            using errcode = 'DU607';
    end if;
    return dues.member_provider_ref_view(v_found);
end
$$;

comment on function api.member_provider_ref_remove(bigint, text, text) is
$$Ends a member's payment provider id (given by staff or learned from an event): later webhook events naming it are matched
by e-mail again, and another member may be given it. The id stays in member_provider_ref_list with who ended it and when.
What was already processed is unchanged. Returns the ended id. Staff only.
Errors: DU014 provider or ref is null, DU001 unknown member, DU607 the member has no such id, 42501 not staff.$$;

grant execute on function api.member_provider_ref_remove(bigint, text, text) to dues_staff;
