-- Adds a contact to a member; a new billing contact replaces the previous one.
create or replace function api.contact_add(member_id bigint, role text, name text, email text default null, phone text default null,
                                           postal_address text default null)
returns dues.member_contact
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_contact dues.member_contact;
begin
    perform dues.authorize_member(contact_add.member_id, 'pay');
    perform dues.member_lock(contact_add.member_id);
    perform dues.require_argument('role', contact_add.role is null);
    perform dues.require_argument('name', contact_add.name is null);
    if contact_add.role not in ('billing', 'technical', 'administrative', 'other') then
        raise exception 'role must be billing, technical, administrative or other, got %', contact_add.role
            using errcode = 'DU019';
    end if;
    if pg_catalog.btrim(contact_add.name) = '' then
        raise exception 'name must not be blank'
            using errcode = 'DU017';
    end if;
    if pg_catalog.btrim(contact_add.email) !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', contact_add.email
            using errcode = 'DU018',
                  hint = 'an address looks like name@example.org';
    end if;
    if contact_add.role = 'billing' and contact_add.email is null then
        raise exception 'a billing contact needs an e-mail address: invoices and reminders are sent to it'
            using errcode = 'DU014';
    end if;
    if pg_catalog.btrim(contact_add.phone) = '' or pg_catalog.btrim(contact_add.postal_address) = '' then
        raise exception 'phone and postal_address must not be blank (leave them out instead)'
            using errcode = 'DU017';
    end if;
    if contact_add.role = 'billing' then
        update dues.member_contact c
           set removed_at = pg_catalog.now(), removed_by = dues.actor()
         where c.member_id = contact_add.member_id and c.role = 'billing' and c.removed_at is null;
    end if;
    insert into dues.member_contact as c (member_id, role, name, email, phone, postal_address)
    values (contact_add.member_id, contact_add.role, pg_catalog.btrim(contact_add.name), pg_catalog.btrim(contact_add.email),
            pg_catalog.btrim(contact_add.phone), pg_catalog.btrim(contact_add.postal_address))
    returning c.* into v_contact;
    return v_contact;
end
$$;

comment on function api.contact_add(bigint, text, text, text, text, text) is
$$Adds a contact to a member: role (billing, technical, administrative or other), name, and optionally email, phone and postal_address.
The billing contact receives the member's invoices and reminders (without one they go to the member's own e-mail); it needs an e-mail
address, and a new billing contact replaces the previous one (which is kept as removed). Returns the contact.
Errors: DU014 member_id, role or name is null, or a billing contact without e-mail, DU001 unknown member, DU019 unknown role, DU017 blank name,
phone or address, bad e-mail, 42501 not allowed (it needs the right to pay for the member: the member itself, a manager, staff).$$;

grant execute on function api.contact_add(bigint, text, text, text, text, text) to dues_member, dues_staff;
