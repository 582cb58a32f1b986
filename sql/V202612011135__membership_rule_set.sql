-- api.membership_rule_set: staff add or change a membership status rule over the api (a row of
-- dues.membership_status_rule, checked by its trigger as before); the audit log keeps every change.

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU307', 404, 'membership status rule not found'),
    ('DU308', 409, 'membership status rule weight in use');
