-- The members linked to a master now, by id.
create or replace function dues.member_linked(p_master_id bigint)
returns setof bigint
language sql
stable
set search_path = ''
as $$
    select l.member_id from dues.member_link l where l.master_id = p_master_id and l.unlinked_at is null order by l.member_id
$$;
