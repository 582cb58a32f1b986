-- Imports one CSV file of a kind (members, subscriptions, balances, payments) in one transaction: a members file
-- set-based through dues.import_member_lines, the lines of the others each through its dues.import_<kind>_line.
-- Answers the report {kind, dry_run, lines_read, imported, unchanged, bad_lines, errors: [{line, column, code,
-- reason}]}. With any bad line nothing is imported and DU650 is raised with the report (JSON) as its detail; with
-- p_dry_run the report is the same and nothing is changed either.
-- Every bad line is found, not just the first. Line by line (the other kinds), lines run in batches of 500, each
-- batch in one subtransaction; when a batch fails, its lines and every later line are tried one at a time, each undone
-- at once (nothing will be imported), so the line at fault is named and the others are still checked. (A
-- subtransaction per line would hold a lock per line until the end: a large file would exhaust the lock table.)
create or replace function dues.import_file(p_kind text, p_csv text, p_dry_run boolean)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    c_batch    constant int := 500;
    c_undo     constant text := 'dues.import_file: line undone';
    v_required text[];
    v_optional text[];
    v_lines    dues.csv_parse_row[];
    v_line     dues.csv_parse_row;
    v_outcome  text;
    v_read     int := 0;
    v_imported int := 0;
    v_same     int := 0;
    v_counts   int[];
    v_errors   jsonb := '[]'::jsonb;
    v_failed   boolean := false;
    v_report   jsonb;
    v_column   text;
    v_code     text;
    v_message  text;
begin
    perform dues.require_argument('csv', p_csv is null);
    perform dues.require_argument('dry_run', p_dry_run is null);
    case p_kind
        when 'members' then
            v_required := array['name', 'email'];
            v_optional := array['kind', 'paypal_email', 'joined_on', 'groups', 'status'];
        when 'subscriptions' then
            v_required := array['member_email', 'class', 'start_date'];
            v_optional := array['period_amount', 'billed_until'];
        when 'balances' then
            v_required := array['member_email', 'currency', 'amount', 'booked_on'];
            v_optional := '{}';
        when 'payments' then
            v_required := array['booked_on', 'amount', 'currency', 'reference', 'payer'];
            v_optional := '{}';
    end case;
    select pg_catalog.array_agg(row(p.line, p.fields, p.errors)::dues.csv_parse_row order by p.line) into v_lines
      from dues.csv_parse(p_csv, v_required, v_optional) p;
    v_read := (select pg_catalog.count(*) from pg_catalog.unnest(v_lines) l where l.line > 1);
    -- what the file's form gets wrong (header, quoting, lengths, field counts)
    v_errors := coalesce((select pg_catalog.jsonb_agg(e || '{"code": "DU650"}' order by l.line)
                            from pg_catalog.unnest(v_lines) l, pg_catalog.jsonb_array_elements(l.errors) e), '[]');
    v_lines := array(select l from pg_catalog.unnest(v_lines) l where l.errors = '[]' order by l.line);
    v_failed := v_errors <> '[]';

    perform dues.audit_why('import ' || p_kind);
    begin
        if p_kind = 'members' then
            -- set-based: every line at once
            v_report := dues.import_member_lines(v_lines);
            v_imported := (v_report ->> 'imported')::int;
            v_same := (v_report ->> 'unchanged')::int;
            v_errors := v_errors || (v_report -> 'errors');
            v_lines := '{}';
        end if;
        for v_start in 1 .. coalesce(pg_catalog.array_length(v_lines, 1), 0) by c_batch loop
            if not v_failed then
                begin
                    v_counts := array[0, 0];
                    foreach v_line in array v_lines[v_start : v_start + c_batch - 1] loop
                        v_outcome := dues.import_line(p_kind, v_line.fields);
                        v_counts[case when v_outcome = 'unchanged' then 2 else 1 end] :=
                            v_counts[case when v_outcome = 'unchanged' then 2 else 1 end] + 1;
                    end loop;
                    v_imported := v_imported + v_counts[1];
                    v_same := v_same + v_counts[2];
                    continue;
                exception when others then
                    v_failed := true;
                end;
            end if;
            -- one line at a time, each undone: the bad ones are named
            foreach v_line in array v_lines[v_start : v_start + c_batch - 1] loop
                begin
                    v_outcome := dues.import_line(p_kind, v_line.fields);
                    raise exception '%', c_undo using errcode = 'DU650', detail = v_outcome;
                exception when others then
                    get stacked diagnostics v_column = column_name, v_code = returned_sqlstate, v_message = message_text;
                    if v_code = 'DU650' and v_message = c_undo then
                        if v_outcome = 'unchanged' then v_same := v_same + 1; else v_imported := v_imported + 1; end if;
                    else
                        v_errors := v_errors || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                            'line', v_line.line, 'column', nullif(v_column, ''), 'code', v_code, 'reason', v_message));
                    end if;
                end;
            end loop;
        end loop;
        v_errors := coalesce((select pg_catalog.jsonb_agg(e order by (e ->> 'line')::int) from pg_catalog.jsonb_array_elements(v_errors) e), '[]');
        v_report := pg_catalog.jsonb_build_object(
            'kind', p_kind, 'dry_run', p_dry_run, 'lines_read', v_read, 'imported', v_imported, 'unchanged', v_same,
            'bad_lines', (select pg_catalog.count(distinct e ->> 'line') from pg_catalog.jsonb_array_elements(v_errors) e),
            'errors', v_errors);
        if v_errors <> '[]' or p_dry_run then
            -- undoes every line: the report stays
            raise exception '%', c_undo using errcode = 'DU650';
        end if;
    exception when sqlstate 'DU650' then
        null;
    end;
    perform dues.audit_why(null);
    if v_errors <> '[]' then
        raise exception '% of % lines of the % file are bad (the first: line %: %): nothing was imported',
                        v_report ->> 'bad_lines', v_read, p_kind, v_errors -> 0 ->> 'line', v_errors -> 0 ->> 'reason'
            using errcode = 'DU650',
                  detail = v_report::text,
                  hint = 'the detail is the report: every bad line with its line, column and reason; fix them and import the file again';
    end if;
    return v_report;
end
$$;
