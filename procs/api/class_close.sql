-- Closes a class to new orders; its subscriptions run on.
create or replace function api.class_close(class_id bigint, why text default null)
returns dues.class_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('class_id', class_close.class_id is null);
    select c.* into v_class from dues.class c where c.id = class_close.class_id for update;
    if not found then
        raise exception 'class % not found', class_close.class_id
            using errcode = 'DU002';
    end if;
    if v_class.closed_at is not null then
        raise exception 'class % was closed at %', v_class.id, v_class.closed_at
            using errcode = 'DU30B';
    end if;
    perform dues.audit_why(class_close.why);
    update dues.class c
       set closed_at = pg_catalog.now(), closed_by = dues.actor()
     where c.id = v_class.id
    returning c.* into v_class;
    perform dues.audit_why(null);
    return dues.class_view(v_class);
end
$$;

comment on function api.class_close(bigint, text) is
$$Closes a class: no order is opened for it any more (class_subscription_request, recurring_subscription_start and
recurring_subscription_change_class to it are refused with DU30A), orders already opened may still be confirmed, and its
subscriptions run on (a recurring one is billed until it ends). Only staff see it in class_list afterwards. Recorded in the audit log
with why. Returns the class as class_list shows it. Staff only.
Errors: DU014 class_id is null, DU002 unknown class, DU30B closed already, 42501 not staff.$$;

grant execute on function api.class_close(bigint, text) to dues_staff;
