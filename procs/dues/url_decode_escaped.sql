-- The bytes of one url-encoded component given in PostgreSQL's bytea escape
-- format (as encode(body, 'escape') gives it): '+' is a space, %XX a byte, a
-- '%' not followed by two hex digits stays as it is.
create or replace function dues.url_decode_escaped(p_escaped text)
returns bytea
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_out   bytea := ''::bytea;
    v_piece text[];
begin
    if p_escaped is null then
        return null;
    end if;
    for v_piece in
        select m from pg_catalog.regexp_matches(pg_catalog.replace(p_escaped, '+', ' '), '(%[0-9A-Fa-f]{2})|([^%]+)|(%)', 'g') m
    loop
        if v_piece[1] is not null then
            v_out := v_out || pg_catalog.decode(pg_catalog.substr(v_piece[1], 2), 'hex');
        elsif v_piece[2] is not null then
            v_out := v_out || pg_catalog.decode(v_piece[2], 'escape');
        else
            v_out := v_out || '\x25'::bytea;
        end if;
    end loop;
    return v_out;
end
$$;
