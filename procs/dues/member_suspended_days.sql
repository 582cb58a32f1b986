-- The days a member is suspended by billing's standing: from each change to suspended to the day it left suspended (while
-- it still is: on without end). Group memberships its subscriptions give hold none of these days.
create or replace function dues.member_suspended_days(p_member_id bigint)
returns datemultirange
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.range_agg(pg_catalog.daterange(s.changed_on,
                                                              (select pg_catalog.min(n.changed_on) from dues.standing_change n
                                                                where n.member_id = s.member_id and n.id > s.id
                                                                  and n.from_standing = 'suspended'))),
                    '{}'::datemultirange)
      from dues.standing_change s
     where s.member_id = p_member_id and s.to_standing = 'suspended'
$$;
