-- Every setting with its type, what it expects and its value (a secret's only as set or unset).
create or replace function api.setting_list()
returns setof dues.setting_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query select (dues.setting_view(s)).* from dues.setting s order by s.name;
end
$$;

comment on function api.setting_list() is
$$Lists the settings by name: name, type (text, integer, amount, email, mailbox, url, day_list, time_zone, currency), expects (what a
value must be, in words: its type, its range, whether it may be empty), value, is_set (it is not empty), secret and description.
A secret (a setting whose name says secret, key or password) is write-only: its value is always null here, is_set tells whether it
has one. Change one with setting_set. Staff only.
Errors: 42501 not staff.$$;

grant execute on function api.setting_list() to dues_staff;
