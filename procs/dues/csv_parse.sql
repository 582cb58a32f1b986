-- Reads CSV text whose first line names its columns (RFC 4180: fields separated by commas, quoted with " where they hold
-- a comma, a quote (written twice) or a line end; lines end with CRLF, LF or CR; a leading byte order mark is skipped).
-- One row per record after the header: line (of the file, where the record starts), fields (column -> text as written,
-- without its quotes) and errors (an array of {line, column, reason}; fields is null when the record could not be read).
-- The header must name every column of p_required and may name those of p_optional, in any order, each once; a wrong
-- header is one row of line 1 with its errors and nothing else is read. Blank lines are skipped. A record longer than
-- p_max_line characters, a quote left open, text after a closing quote and a wrong number of fields are errors of their
-- record. Set-based (one regular expression over the text): a large file is read in one pass.
create or replace function dues.csv_parse(p_text text, p_required text[], p_optional text[] default '{}',
                                          p_max_line int default 65536)
returns table (line int, fields jsonb, errors jsonb)
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_header  text[];
    v_columns text[] := p_required || p_optional;
    v_errors  jsonb := '[]'::jsonb;
    v_records dues.csv_record[];
    v_col     text;
    v_expects text := pg_catalog.format('columns %s', pg_catalog.array_to_string(p_required, ', '))
                      || coalesce(' and optionally ' || nullif(pg_catalog.array_to_string(p_optional, ', '), ''), '');
begin
    with tok as (
        select t.n, t.m[1] as raw, t.m[2] as sep
          from pg_catalog.regexp_matches(pg_catalog.regexp_replace(coalesce(p_text, ''), '^' || pg_catalog.chr(65279), ''),
                                         '("(?:[^"]|"")*"|"[^"]*|[^,\r\n]*)(,|\r\n|\n|\r|$)', 'g')
               with ordinality as t(m, n)
    ),
    placed as (
        select tok.*,
               coalesce(pg_catalog.sum(case when tok.sep <> ',' then 1 else 0 end)
                            over (order by tok.n rows between unbounded preceding and 1 preceding), 0) as rec,
               coalesce(pg_catalog.sum(case when pg_catalog.left(tok.raw, 1) = '"'
                                            then pg_catalog.regexp_count(tok.raw, E'\r\n|\r|\n') else 0 end
                                       + case when tok.sep in (E'\r\n', E'\n', E'\r') then 1 else 0 end)
                            over (order by tok.n rows between unbounded preceding and 1 preceding), 0) as lines_before
          from tok
    ),
    field as (
        select p.*,
               case when pg_catalog.left(p.raw, 1) <> '"' then p.raw
                    when p.raw ~ '^"([^"]|"")*"$' then pg_catalog.replace(pg_catalog.substr(p.raw, 2, pg_catalog.length(p.raw) - 2), '""', '"')
               end as val,
               case when pg_catalog.left(p.raw, 1) <> '"' or p.raw ~ '^"([^"]|"")*"$' then null
                    when p.raw ~ '^"[^"]*$' and p.sep = '' then 'a quote opens a field and is never closed'
                    else 'a quoted field must end at its closing quote (a quote inside it is written twice: "")'
               end as problem
          from placed p
    ),
    recs as (
        select (f.rec + 1)::int as n,
               (1 + pg_catalog.min(f.lines_before))::int as line,
               pg_catalog.sum(pg_catalog.length(f.raw) + pg_catalog.length(f.sep))::bigint as raw_length,
               pg_catalog.array_agg(f.val order by f.n) as vals,
               coalesce(pg_catalog.jsonb_agg(f.problem order by f.n) filter (where f.problem is not null), '[]') as problems
          from field f
         group by f.rec
    )
    select pg_catalog.array_agg(row(r.n, r.line, r.raw_length, r.vals, r.problems)::dues.csv_record order by r.n)
      into v_records
      from recs r
     -- blank lines (one empty field) are no records
     where not (r.vals = array['']::text[] and r.problems = '[]');

    v_header := v_records[1].vals;
    if v_header is null then
        line := 1;
        fields := null;
        errors := pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
            'line', 1, 'column', null, 'reason', 'the file is empty: its first line names the ' || v_expects));
        return next;
        return;
    end if;
    if v_records[1].problems <> '[]' or v_records[1].raw_length > p_max_line then
        line := v_records[1].line;
        fields := null;
        errors := pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
            'line', v_records[1].line, 'column', null, 'reason', 'the header cannot be read: it names the ' || v_expects));
        return next;
        return;
    end if;
    v_header := (select pg_catalog.array_agg(pg_catalog.lower(pg_catalog.btrim(coalesce(h, ''))) order by i)
                   from pg_catalog.unnest(v_header) with ordinality as u(h, i));
    foreach v_col in array v_header loop
        if not v_col = any (v_columns) then
            v_errors := v_errors || pg_catalog.jsonb_build_object('line', 1, 'column', v_col,
                'reason', pg_catalog.format('unknown column %L: the header names the %s', v_col, v_expects));
        elsif (select pg_catalog.count(*) from pg_catalog.unnest(v_header) h where h = v_col) > 1
              and not v_errors @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('column', v_col)) then
            v_errors := v_errors || pg_catalog.jsonb_build_object('line', 1, 'column', v_col,
                'reason', pg_catalog.format('column %L is named more than once', v_col));
        end if;
    end loop;
    foreach v_col in array p_required loop
        if not v_col = any (v_header) then
            v_errors := v_errors || pg_catalog.jsonb_build_object('line', 1, 'column', v_col,
                'reason', pg_catalog.format('column %L is missing: the header names the %s', v_col, v_expects));
        end if;
    end loop;
    if v_errors <> '[]' then
        line := 1;
        fields := null;
        errors := v_errors;
        return next;
        return;
    end if;

    return query
        select r.line,
               case when r.raw_length <= p_max_line and r.problems = '[]'
                         and pg_catalog.cardinality(r.vals) = pg_catalog.cardinality(v_header) then
                   (select pg_catalog.jsonb_object_agg(v_header[u.i], u.v)
                      from pg_catalog.unnest(r.vals) with ordinality as u(v, i))
               end,
               case when r.raw_length > p_max_line then
                        pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('line', r.line, 'column', null,
                            'reason', pg_catalog.format('the line is %s characters long, more than the %s allowed', r.raw_length, p_max_line)))
                    when r.problems <> '[]' then
                        (select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('line', r.line, 'column', null, 'reason', e))
                           from pg_catalog.jsonb_array_elements_text(r.problems) e)
                    when pg_catalog.cardinality(r.vals) <> pg_catalog.cardinality(v_header) then
                        pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('line', r.line, 'column', null,
                            'reason', pg_catalog.format('%s fields, the header names %s columns%s', pg_catalog.cardinality(r.vals),
                                                        pg_catalog.cardinality(v_header),
                                                        case when pg_catalog.strpos(pg_catalog.array_to_string(r.vals, ''), E'\n') > 0
                                                             then ' (a quoted field spans lines here: is a quote left open?)' else '' end)))
                    else '[]'::jsonb
               end
          from pg_catalog.unnest(v_records[2:]) r
         order by r.n;
end
$$;
