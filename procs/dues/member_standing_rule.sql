-- Billing's standing of a member on a day, from the rules (docs/membership.md, "One standing"): the standing of the active
-- rule of highest weight that holds among those that give one (rows of dues.membership_status_rule whose standing is set),
-- else good. The events are those of the membership status rules; a member without a membership has only its payment and
-- invoice dates (last_payment_date, oldest_unpaid_due_date).
create or replace function dues.member_standing_rule(p_member_id bigint, p_on date)
returns text
language sql
stable
set search_path = ''
as $$
    select coalesce((
        select r.standing
          from dues.membership_status_rule r,
               (select coalesce((select ms from dues.membership ms where ms.member_id = p_member_id),
                                pg_catalog.jsonb_populate_record(null::dues.membership,
                                                                 pg_catalog.jsonb_build_object('member_id', p_member_id))) as m) x
         where r.standing is not null
           and dues.membership_rule_holds(r, x.m, p_on)
         order by r.weight desc
         limit 1), 'good')
$$;
