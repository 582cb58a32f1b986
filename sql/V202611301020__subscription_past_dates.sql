-- Members end or change a recurring subscription from today on; staff may pick an earlier day, with a reason that the
-- audit log keeps. The two functions take that reason: their old signatures go.

insert into dues.error_code (sqlstate, http_status, title) values
    ('DUB19', 422, 'a member cannot end or change a subscription before today');

drop function api.subscription_cancel(bigint, date);
drop function api.subscription_change_class(bigint, bigint, date);
