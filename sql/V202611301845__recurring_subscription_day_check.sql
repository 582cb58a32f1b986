-- The helpers of recurring subscriptions share their prefix (docs/glossary.md): dues.subscription_day_check is
-- dues.recurring_subscription_day_check, made by its procs/ file.
drop function if exists dues.subscription_day_check(date, text, text);
