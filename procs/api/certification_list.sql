create or replace function api.certification_list(member_id bigint default null, item_id bigint default null)
returns setof dues.certification
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query
        select c.* from dues.certification c
         where (certification_list.member_id is null or c.member_id = certification_list.member_id)
           and (certification_list.item_id is null or c.item_id = certification_list.item_id)
         order by c.certified_at, c.id;
end
$$;

comment on function api.certification_list(bigint, bigint) is
$$The certification log: who was certified on which machine, by whom and when, revoked or not, for one member and/or one item
when given, oldest first. Staff only.$$;

grant execute on function api.certification_list(bigint, bigint) to dues_staff;
