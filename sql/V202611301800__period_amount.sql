-- One name per concept (docs/glossary.md): "dues" is the product and a schema, never the amount a member pays.
-- What a member pays per period of a recurring class is its period amount: the class's amount, or the member's own,
-- a period amount override. api.dues_set is api.period_amount_set, dues.dues_amount is dues.period_amount, and the
-- column dues of api.recurring_subscription_list is period_amount (their procs/ files make them).
alter table dues.dues_override rename to period_amount_override;
alter table dues.period_amount_override rename constraint dues_override_pkey to period_amount_override_pkey;
alter table dues.period_amount_override rename constraint dues_override_amount_check to period_amount_override_amount_check;
alter table dues.period_amount_override rename constraint dues_override_member_id_fkey to period_amount_override_member_id_fkey;
alter table dues.period_amount_override rename constraint dues_override_class_id_fkey to period_amount_override_class_id_fkey;
alter index dues.dues_override_member_class_idx rename to period_amount_override_member_class_idx;
alter sequence dues.dues_override_id_seq rename to period_amount_override_id_seq;
-- procs/dues/forbid_delete.sql makes them again under the table's name
drop trigger if exists dues_override_forbid_delete on dues.period_amount_override;
drop trigger if exists dues_override_forbid_truncate on dues.period_amount_override;
comment on table dues.period_amount_override is
    'Period amount overrides: what a member pays per period of a recurring class instead of the class amount, for periods starting '
    'on or after effective_from (the newest row that applies wins). 0: no invoices; null: back to the class amount. Rows are '
    'history: never updated or deleted.';

drop function if exists api.dues_set(bigint, bigint, numeric, date);
drop function if exists dues.dues_amount(bigint, bigint, date);
drop function if exists api.recurring_subscription_list(bigint);

update dues.subscription_parameter_template
   set description = 'Amount per period (a member''s period amount override replaces it)'
 where rule = 'recurring' and name = 'amount';
comment on column dues.invoice_line.period_amount is
    'For a period line: the period amount of the whole period (the line''s amount is the piece period_start..period_end of it).';
