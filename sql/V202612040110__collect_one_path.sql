-- The collector has one path: a batch of members set-based (dues.collect_batch), and, when a batch fails, each of its
-- members alone through the same function. The member-by-member functions that held the billing rules a second time
-- are gone.
drop function if exists dues.member_collect(bigint, date, date, timestamptz, bigint);
drop function if exists dues.member_bill_periods(bigint, date, bigint);
drop function if exists dues.member_bill_charges(bigint, date, bigint);
drop function if exists dues.invoice_draft(bigint, bigint, char, bigint);
drop function if exists dues.invoice_issue(bigint, date);
drop function if exists dues.invoice_notify(bigint, timestamptz);
