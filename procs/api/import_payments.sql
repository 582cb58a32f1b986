-- Imports a CSV file of payments (staff): all of it in one transaction, or nothing.
create or replace function api.import_payments(csv text, dry_run boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return dues.import_file('payments', import_payments.csv, import_payments.dry_run);
end
$$;

comment on function api.import_payments(text, boolean) is
$$Imports a bank statement from CSV text with the columns booked_on, amount (money received, more than 0), currency,
reference (the banks, unique: the natural key) and payer (a name or an e-mail). Each line becomes a bank line matched as payment
notifications are: a payer name some member holds as its bank id (learned when staff assigns a line: bank_line_assign), else a
payer e-mail that is one members; never guessed. A matched line is a payment of method bank_transfer with the reference as its
external_ref, which settles the members open invoices; unmatched and ambiguous lines wait for staff (bank_line_list).
The file is imported in one transaction: with any bad line nothing is imported, and the error (DU650) names every bad line, not
just the first: its detail is the report as JSON. With dry_run the file is read and checked the same way and nothing changes.
Importing a file again changes nothing (each line has a natural key). Answers the report: {"kind", "dry_run", "lines_read",
"imported", "unchanged", "bad_lines": 0, "errors": []}; each error is {"line" (of the file, 1 is the header), "column" (null for the
whole line), "code", "reason"}. The text is RFC 4180 CSV: a header line naming the columns (in any order, case-insensitive), fields
separated by commas, quoted with " where they hold a comma, a quote (written twice) or a line end; lines of at most 65536 characters.
Staff only. docs/import_export.md.
Errors: DU014 csv or dry_run is null, DU650 bad lines (the detail is the report), 42501 not staff.$$;

grant execute on function api.import_payments(text, boolean) to dues_staff;
