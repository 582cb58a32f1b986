-- Where a member's invoices and reminders go: its billing contact's e-mail, else its own.
create or replace function dues.billing_recipient(p_member_id bigint)
returns text
language plpgsql
stable
set search_path = ''
as $$
begin
    return coalesce((select c.email from dues.member_contact c
                      where c.member_id = p_member_id and c.role = 'billing' and c.removed_at is null),
                    (select m.email from dues.member m where m.id = p_member_id));
end
$$;
