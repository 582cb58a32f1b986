-- The one refusal of a record the caller may not act on, or that does not exist: 42501 naming only the kind and the id.
create or replace function dues.refuse_record(p_what text, p_id bigint, p_action text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    raise exception 'not allowed to act on % %', p_what, p_id
        using errcode = '42501',
              detail = 'this needs the right to ' || p_action || ' for the ' || p_what || '''s member';
end
$$;
