-- The group with this key (members, pending_payments, board, ...); DU110 when there is none.
create or replace function dues.group_by_key(p_key text)
returns dues."group"
language plpgsql
stable
set search_path = ''
as $$
declare
    v_group dues."group";
begin
    select g.* into v_group from dues."group" g where g.key = p_key;
    if not found then
        raise exception 'group % not found', coalesce(p_key, 'null')
            using errcode = 'DU110',
                  hint = 'the named groups are the rows of dues."group" with a key';
    end if;
    return v_group;
end
$$;
