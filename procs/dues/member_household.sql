-- Whether a member is the master of a household on a day: members were linked to it before that day ended and were not
-- unlinked by then (a link's days are the business days, dues.local_date, of its linked_at and unlinked_at).
create or replace function dues.member_household(p_member_id bigint, p_on date)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (select from dues.member_link l
                    where l.master_id = p_member_id
                      and dues.local_date(l.linked_at) <= p_on
                      and (l.unlinked_at is null or dues.local_date(l.unlinked_at) > p_on))
$$;
