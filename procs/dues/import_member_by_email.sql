-- The member an imported line names by e-mail (its column p_column); DU001 naming the column when none has it.
create or replace function dues.import_member_by_email(p_fields jsonb, p_column text)
returns dues.member
language plpgsql
stable
set search_path = ''
as $$
declare
    v_email  text := dues.import_value(p_fields, p_column, 'text', true);
    v_member dues.member;
begin
    select m.* into v_member from dues.member m where pg_catalog.lower(m.email) = pg_catalog.lower(v_email);
    if not found then
        raise exception 'no member has the e-mail %', v_email
            using errcode = 'DU001', column = p_column, hint = 'import the members first';
    end if;
    return v_member;
end
$$;
