-- Refuses (DU704) a subscription of a member to a class for the days p_start..p_end (p_end null: open-ended) when the
-- member holds one of the class whose days overlap them, or has a confirmed order for such days (other than p_order_id),
-- unless the class's rule allows overlaps (subscription_rule.overlaps_allowed).
create or replace function dues.class_subscription_overlap_check(p_member_id bigint, p_class_id bigint, p_start date,
                                                                 p_end date, p_order_id bigint default null)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
    v_days  daterange := pg_catalog.daterange(p_start, p_end, '[]');
    v_other record;
begin
    if (select r.overlaps_allowed from dues.class c join dues.subscription_rule r on r.name = c.rule where c.id = p_class_id) then
        return;
    end if;
    select 'class subscription' as what, s.id, pg_catalog.lower(s.during) as first_day,
           pg_catalog.upper(s.during) - 1 as last_day
      into v_other
      from dues.class_subscription s
     where s.member_id = p_member_id and s.class_id = p_class_id and not s.overlaps_allowed and s.during && v_days
     order by s.id
     limit 1;
    if not found then
        select 'confirmed order' as what, o.id, o.start_date as first_day, o.end_date as last_day
          into v_other
          from dues.subscription_order o
         where o.member_id = p_member_id and o.class_id = p_class_id and o.state = 'confirmed'
           and o.id is distinct from p_order_id
           and pg_catalog.daterange(o.start_date, o.end_date, '[]') && v_days
         order by o.id
         limit 1;
    end if;
    if found then
        raise exception 'member % has % % of class % for % to %, which overlaps % to %', p_member_id, v_other.what, v_other.id,
                        p_class_id, v_other.first_day, coalesce(v_other.last_day::text, 'open end'), p_start,
                        coalesce(p_end::text, 'open end')
            using errcode = 'DU704',
                  hint = 'a member holds one subscription of a class at a time: choose days after it, or cancel it first';
    end if;
end
$$;
