-- A field of an imported line converted to a type (date, numeric, bigint), or null when it is blank; DU650 naming the
-- column when it does not read as one. The text is returned as the type's input text (cast it where used).
create or replace function dues.import_value(p_fields jsonb, p_column text, p_type text, p_required boolean default false)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
    v_text text := nullif(pg_catalog.btrim(p_fields ->> p_column), '');
begin
    if v_text is null then
        if p_required then
            raise exception '% is blank', p_column using errcode = 'DU650', column = p_column;
        end if;
        return null;
    end if;
    begin
        case p_type
            when 'date' then
                if dues.import_date(v_text) is null then
                    raise exception using errcode = '22007';
                end if;
                return dues.import_date(v_text)::text;
            when 'numeric' then
                if v_text !~ '^[+-]?\d+(\.\d+)?$' then
                    raise exception using errcode = '22P02';
                end if;
                return v_text::numeric::text;
            when 'bigint' then
                return v_text::bigint::text;
            else
                return v_text;
        end case;
    exception when data_exception then
        raise exception '% "%" is not %', p_column, pg_catalog.left(v_text, 100),
                        case p_type when 'date' then 'a date YYYY-MM-DD' when 'numeric' then 'an amount like 25.00' else 'a whole number' end
            using errcode = 'DU650', column = p_column;
    end;
end
$$;
