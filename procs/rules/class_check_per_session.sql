-- Class check of rule per_session: the minimum number of sessions is not above the maximum.
create or replace function rules.class_check_per_session(p_class_params jsonb)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if (p_class_params ->> 'min_sessions')::int > (p_class_params ->> 'max_sessions')::int then
        raise exception 'min_sessions % is above max_sessions %', p_class_params ->> 'min_sessions', p_class_params ->> 'max_sessions'
            using errcode = 'DU012';
    end if;
end
$$;
