-- A period line keeps the amount of the whole period it is a piece of, so that a later proration credit is computed
-- from what was billed (pieces of a period add up to exactly this amount).

alter table dues.invoice_line
    add column period_amount numeric(14,2) check (period_amount >= amount),
    add constraint invoice_line_period_amount check ((kind = 'period') = (period_amount is not null));
comment on column dues.invoice_line.period_amount is
    'For a period line: the dues for the whole period (the line''s amount is the piece period_start..period_end of it).';
