-- The revenue account of a class (made by api.class_create).
create or replace function dues.class_account(p_class_id bigint)
returns bigint
language plpgsql
stable
set search_path = ''
as $$
begin
    return (select a.id from dues.ledger_account a where a.class_id = p_class_id);
end
$$;
