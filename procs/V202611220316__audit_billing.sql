-- The audit log also records roles on service orders and members' contacts (their e-mail addresses), billing's tables.

create trigger service_order_role_audit after insert or update or delete on dues.service_order_role
    for each row execute function dues.audit_row();
create trigger member_contact_audit after insert or update or delete on dues.member_contact
    for each row execute function dues.audit_row();
