-- Class check of rule sliding_scale: the minimum is not above the maximum.
create or replace function rules.class_check_sliding_scale(p_class_params jsonb)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if (p_class_params ->> 'minimum')::numeric > (p_class_params ->> 'maximum')::numeric then
        raise exception 'minimum % is above maximum %', p_class_params ->> 'minimum', p_class_params ->> 'maximum'
            using errcode = 'DU012';
    end if;
end
$$;
