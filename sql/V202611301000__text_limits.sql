-- Length limits on the free text members and staff set (names, addresses, notes), in characters, one setting per kind,
-- and the code their refusal raises.

insert into dues.setting (name, value) values
    ('text_limit_name', '200'),
    ('text_limit_address', '1000'),
    ('text_limit_note', '4000')
on conflict do nothing;

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU016', 422, 'text too long');
