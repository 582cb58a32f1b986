-- A member's current contacts, and where its invoices go.
create or replace function api.contact_list(member_id bigint)
returns table (contact_id bigint, role text, name text, email text, phone text, postal_address text, receives_invoices boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(contact_list.member_id, 'use');
    perform dues.member_get(contact_list.member_id);
    return query
        select c.id, c.role, c.name, c.email, c.phone, c.postal_address, c.role = 'billing'
          from dues.member_contact c
         where c.member_id = contact_list.member_id and c.removed_at is null
         order by c.role, c.id;
end
$$;

comment on function api.contact_list(bigint) is
$$Lists the current contacts of a member by role: contact_id, role, name, email, phone, postal_address, and receives_invoices (true for
the billing contact, which receives invoices and reminders).
Errors: DU014 member_id is null, DU001 unknown member, 42501 not allowed.$$;

grant execute on function api.contact_list(bigint) to dues_member, dues_staff;
