-- What the pages show anyone about the site: its name, time zone, currency and how to pay.
create or replace function api.site_get(
    out name                  text,
    out time_zone             text,
    out currency              char(3),
    out bank_transfer_account text,
    out paypal_payment_url    text,
    out paypal_receiver_email text
)
language sql
stable
security definer
set search_path = ''
as $$
    select max(s.value) filter (where s.name = 'site_name'),
           coalesce(max(s.value) filter (where s.name = 'local_timezone'), 'UTC'),
           max(s.value) filter (where s.name = 'default_currency'),
           nullif(max(s.value) filter (where s.name = 'bank_transfer_account'), ''),
           nullif(max(s.value) filter (where s.name = 'paypal_payment_url'), ''),
           nullif(max(s.value) filter (where s.name = 'paypal_receiver_email'), '')
      from dues.setting s
     where s.name in ('site_name', 'local_timezone', 'default_currency', 'bank_transfer_account', 'paypal_payment_url',
                      'paypal_receiver_email')
$$;

comment on function api.site_get() is
$$What the pages show anyone: name (setting site_name), time_zone (local_timezone: dates are shown in it), currency
(default_currency), and how members pay: bank_transfer_account, paypal_payment_url and paypal_receiver_email (null when
unset). Anyone may call it; it answers nothing secret.$$;

grant execute on function api.site_get() to dues_anonymous, dues_member, dues_staff;
