-- A member's payment provider ids, current and ended.
create or replace function api.member_provider_ref_list(member_id bigint)
returns setof dues.member_provider_ref_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.member_get(member_provider_ref_list.member_id);
    return query
        select (dues.member_provider_ref_view(r)).*
          from dues.member_provider_ref r
         where r.member_id = member_provider_ref_list.member_id
         order by r.ended_at is not null, r.id;
end
$$;

comment on function api.member_provider_ref_list(bigint) is
$$The ids payment providers use for a member (Stripe customers and subscriptions, GoCardless customers, mandates and
subscriptions, PayPal subscriptions), current ones first: provider, ref, source (staff, or the webhook event it was learned
from), who added it and when, who ended it and when. Staff only.
Errors: DU014 member_id is null, DU001 unknown member, 42501 not staff.$$;

grant execute on function api.member_provider_ref_list(bigint) to dues_staff;
