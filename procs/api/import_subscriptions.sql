-- Imports a CSV file of subscriptions (staff): all of it in one transaction, or nothing.
create or replace function api.import_subscriptions(csv text, dry_run boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return dues.import_file('subscriptions', import_subscriptions.csv, import_subscriptions.dry_run);
end
$$;

comment on function api.import_subscriptions(text, boolean) is
$$Imports running recurring subscriptions from CSV text with the columns member_email, class (its id or title), start_date
(required), period_amount (what the member pays per period instead of the class amount, from start_date) and billed_until (every
day up to it was billed before dues: the collector bills the periods after it; default the day before start_date). A subscription
is known by its member, class and start date. The class must be recurring; the subscription renews until cancelled and its setup
fee is cancelled (it was paid before dues).
The file is imported in one transaction: with any bad line nothing is imported, and the error (DU650) names every bad line, not
just the first: its detail is the report as JSON. With dry_run the file is read and checked the same way and nothing changes.
Importing a file again changes nothing (each line has a natural key). Answers the report: {"kind", "dry_run", "lines_read",
"imported", "unchanged", "bad_lines": 0, "errors": []}; each error is {"line" (of the file, 1 is the header), "column" (null for the
whole line), "code", "reason"}. The text is RFC 4180 CSV: a header line naming the columns (in any order, case-insensitive), fields
separated by commas, quoted with " where they hold a comma, a quote (written twice) or a line end; lines of at most 65536 characters.
Staff only. docs/import_export.md.
Errors: DU014 csv or dry_run is null, DU650 bad lines (the detail is the report), 42501 not staff.$$;

grant execute on function api.import_subscriptions(text, boolean) to dues_staff;
