create or replace function api.storage_list(flagged_only boolean default false)
returns setof dues.storage_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.require_argument('flagged_only', storage_list.flagged_only is null);
    return query
        select (dues.storage_view(a.id)).*
          from dues.storage_assignment a
         where a.ended_on is null and (not storage_list.flagged_only or a.flagged_on is not null)
         order by a.expires_on, a.id;
end
$$;

comment on function api.storage_list(boolean) is
$$The storage slots in use, soonest expiry first: slot, type, location, member, dates, the expiry its member was reminded of, the
flag (set when the member left: no longer in group members) and any open renewal request. flagged_only: only flagged ones.
Staff only. Errors: DU014 flagged_only is null.$$;

grant execute on function api.storage_list(boolean) to dues_staff;
