-- Where a status's messages go: the e-mail of every board member on a day, and setting board_email when set.
create or replace function dues.board_recipients(p_on date)
returns setof text
language sql
stable
set search_path = ''
as $$
    select distinct pg_catalog.lower(r.email)
      from (select m.email
              from dues.group_membership gm
              join dues."group" g on g.id = gm.group_id and g.key = 'board'
              join dues.member m on m.id = gm.member_id
             where gm.during @> p_on
            union all
            select nullif(pg_catalog.btrim(s.value), '') from dues.setting s where s.name = 'board_email') r
     where r.email is not null
     order by 1
$$;
