-- Imports one CSV file of a kind (members, subscriptions, balances, payments) in one transaction: every line through its
-- dues.import_<kind>_line, each in a subtransaction so that every bad line is found, not just the first. Answers the
-- report {kind, dry_run, lines_read, imported, unchanged, bad_lines, errors: [{line, column, code, reason}]}. With any bad
-- line nothing is imported and DU650 is raised with the report (JSON) as its detail; with p_dry_run the report is the
-- same and nothing is changed either.
create or replace function dues.import_file(p_kind text, p_csv text, p_dry_run boolean)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_required text[];
    v_optional text[];
    v_line     record;
    v_outcome  text;
    v_read     int := 0;
    v_imported int := 0;
    v_same     int := 0;
    v_errors   jsonb := '[]'::jsonb;
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
    perform dues.audit_why('import ' || p_kind);
    begin
        for v_line in select * from dues.csv_parse(p_csv, v_required, v_optional) loop
            if v_line.line > 1 then
                v_read := v_read + 1;
            end if;
            if v_line.errors <> '[]' then
                v_errors := v_errors || (select pg_catalog.jsonb_agg(e || '{"code": "DU650"}') from pg_catalog.jsonb_array_elements(v_line.errors) e);
                continue;
            end if;
            begin
                v_outcome := case p_kind
                                 when 'members' then dues.import_member_line(v_line.fields)
                                 when 'subscriptions' then dues.import_subscription_line(v_line.fields)
                                 when 'balances' then dues.import_balance_line(v_line.fields)
                                 when 'payments' then dues.import_payment_line(v_line.fields)
                             end;
                if v_outcome = 'unchanged' then
                    v_same := v_same + 1;
                else
                    v_imported := v_imported + 1;
                end if;
            exception when others then
                get stacked diagnostics v_column = column_name, v_code = returned_sqlstate, v_message = message_text;
                v_errors := v_errors || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
                    'line', v_line.line, 'column', nullif(v_column, ''), 'code', v_code, 'reason', v_message));
            end;
        end loop;
        v_report := pg_catalog.jsonb_build_object(
            'kind', p_kind, 'dry_run', p_dry_run, 'lines_read', v_read, 'imported', v_imported, 'unchanged', v_same,
            'bad_lines', (select pg_catalog.count(distinct e ->> 'line') from pg_catalog.jsonb_array_elements(v_errors) e),
            'errors', v_errors);
        if v_errors <> '[]' or p_dry_run then
            -- undoes every line: the report stays
            raise exception 'import undone' using errcode = 'DU650';
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
