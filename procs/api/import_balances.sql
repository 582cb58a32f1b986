-- Imports a CSV file of balances (staff): all of it in one transaction, or nothing.
create or replace function api.import_balances(csv text, dry_run boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return dues.import_file('balances', import_balances.csv, import_balances.dry_run);
end
$$;

comment on function api.import_balances(text, boolean) is
$$Imports opening balances from CSV text with the columns member_email, currency, amount and booked_on: credit a member had
in the books kept before dues, moved from the currencys opening_balance account to the members credit account in one ledger
transaction (kind opening_balance) booked on booked_on; the credit settles open invoices as a payment does. One per member and
currency (its natural key): the same line again is unchanged, another amount or day a bad line. amount is more than 0 (a debt is a
charge: charge_add).
The file is imported in one transaction: with any bad line nothing is imported, and the error (DU650) names every bad line, not
just the first: its detail is the report as JSON. With dry_run the file is read and checked the same way and nothing changes.
Importing a file again changes nothing (each line has a natural key). Answers the report: {"kind", "dry_run", "lines_read",
"imported", "unchanged", "bad_lines": 0, "errors": []}; each error is {"line" (of the file, 1 is the header), "column" (null for the
whole line), "code", "reason"}. The text is RFC 4180 CSV: a header line naming the columns (in any order, case-insensitive), fields
separated by commas, quoted with " where they hold a comma, a quote (written twice) or a line end; lines of at most 65536 characters.
Staff only. docs/import_export.md.
Errors: DU014 csv or dry_run is null, DU650 bad lines (the detail is the report), 42501 not staff.$$;

grant execute on function api.import_balances(text, boolean) to dues_staff;
