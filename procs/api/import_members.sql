-- Imports a CSV file of members (staff): all of it in one transaction, or nothing.
create or replace function api.import_members(csv text, dry_run boolean default false)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return dues.import_file('members', import_members.csv, import_members.dry_run);
end
$$;

comment on function api.import_members(text, boolean) is
$$Imports members from CSV text with the columns name, email (required), kind (person or organization,
default person), paypal_email, joined_on (YYYY-MM-DD, default today), groups (group keys separated by ";", joined from joined_on) and
status (pending: joined, waiting for a first payment; member: joined and paid, membership started on joined_on; waived: dues waived;
blank: no membership). A member is known by its e-mail (case-insensitive): a line of a member that exists with the same name, kind
and PayPal e-mail is unchanged (its groups and membership are its own: they are given to the members an import creates); with other data it is a bad line (member_update
changes a member).
The file is imported in one transaction: with any bad line nothing is imported, and the error (DU650) names every bad line, not
just the first: its detail is the report as JSON. With dry_run the file is read and checked the same way and nothing changes.
Importing a file again changes nothing (each line has a natural key). Answers the report: {"kind", "dry_run", "lines_read",
"imported", "unchanged", "bad_lines": 0, "errors": []}; each error is {"line" (of the file, 1 is the header), "column" (null for the
whole line), "code", "reason"}. The text is RFC 4180 CSV: a header line naming the columns (in any order, case-insensitive), fields
separated by commas, quoted with " where they hold a comma, a quote (written twice) or a line end; lines of at most 65536 characters.
Staff only. docs/import_export.md.
Errors: DU014 csv or dry_run is null, DU650 bad lines (the detail is the report), 42501 not staff.$$;

grant execute on function api.import_members(text, boolean) to dues_staff;
