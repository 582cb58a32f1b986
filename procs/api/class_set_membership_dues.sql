-- Declares a class the membership dues class of its currency (or no longer): members' payments become its revenue.
create or replace function api.class_set_membership_dues(class_id bigint, membership_dues boolean, why text default null)
returns dues.class
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
    v_other bigint;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('membership_dues', class_set_membership_dues.membership_dues is null);
    v_class := dues.class_get(class_set_membership_dues.class_id);
    if class_set_membership_dues.membership_dues then
        -- one membership dues class per currency: the payments of that currency are its revenue
        select c.id into v_other
          from dues.class c
         where c.membership_dues and c.currency = v_class.currency and c.id <> v_class.id
           for update;
        if v_other is not null then
            raise exception 'class % is the membership dues class of % already', v_other, v_class.currency
                using errcode = 'DU733',
                      hint = 'set membership_dues false on it first';
        end if;
    end if;
    perform dues.audit_why(class_set_membership_dues.why);
    update dues.class c set membership_dues = class_set_membership_dues.membership_dues where c.id = v_class.id
    returning c.* into v_class;
    perform dues.audit_why(null);
    return v_class;
end
$$;

comment on function api.class_set_membership_dues(bigint, boolean, text) is
$$Declares a class the membership dues class of its currency (membership_dues true), or no longer (false): from then on, a payment
(register_payment, and so PayPal's notifications, webhooks and bank statements) of a member with a membership, no running recurring
subscription and no opened order in that currency is recognised as the class's revenue: what the payment leaves available after the
member's open invoices moves from the member's credit to the class's revenue account, with a receipt (dues.membership_dues_receipt),
once per payment, and report_revenue shows it (docs/billing.md, "Membership dues as revenue"). Payments already registered are left
as they are. Recorded in the audit log with why. Staff only. Returns the class.
Errors: DU014 class_id or membership_dues is null, DU002 unknown class, DU733 another class is the membership dues class of that
currency, 42501 not staff.$$;

grant execute on function api.class_set_membership_dues(bigint, boolean, text) to dues_staff;
