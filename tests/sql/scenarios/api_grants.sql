-- Tests of the grants of the access migrations: which request role may execute which api function, and that
-- nothing is executable by PUBLIC.

create or replace function tests.test_api_grants__public_may_execute_no_api_function()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace = 'api'::regnamespace
              and has_function_privilege('public', p.oid, 'execute')$q$,
        'PUBLIC may execute no api function');
end
$$;

create or replace function tests.test_api_grants__anonymous_may_execute_only_the_catalogue()
returns setof text
language plpgsql
as $$
begin
    return next set_eq(
        $q$select p.oid::regprocedure
             from pg_catalog.pg_proc p
            where p.pronamespace = 'api'::regnamespace
              and has_function_privilege('dues_anonymous', p.oid, 'execute')$q$,
        $q$values ('api.rule_list()'::regprocedure), ('api.class_list(text, text, boolean, int, bigint)'), ('api.class_get(bigint)'),
                  ('api.signin_request(text)'), ('api.signin_complete(text, text)'), ('api.membership_apply(text, text, text)'),
                  ('api.site_get()')$q$,
        'a request without a token may execute rule_list, class_list and class_get (the open classes), sign in and apply, read the '
        'site (site_get), and nothing else');
end
$$;

create or replace function tests.test_api_grants__members_may_execute_only_own_data_calls()
returns setof text
language plpgsql
as $$
begin
    return next set_eq(
        $q$select p.oid::regprocedure
             from pg_catalog.pg_proc p
            where p.pronamespace = 'api'::regnamespace
              and has_function_privilege('dues_member', p.oid, 'execute')$q$,
        $q$values ('api.rule_list()'::regprocedure),
                  ('api.member_balance(bigint)'),
                  ('api.class_subscription_list(bigint)'),
                  ('api.class_subscription_request(bigint, bigint, jsonb, text)'),
                  ('api.order_confirm(bigint)'),
                  ('api.order_cancel(bigint)'),
                  ('api.class_subscription_confirm(bigint)'),
                  ('api.class_subscription_cancel(bigint, date, boolean, text)'),
                  ('api.class_waitlist_join(bigint, bigint)'),
                  ('api.class_waitlist_leave(bigint, bigint)'),
                  ('api.class_waitlist_list(bigint, bigint)'),
                  ('api.class_attendance_list(bigint, bigint, bigint, int, bigint)'),
                  ('api.recurring_subscription_start(bigint, bigint, jsonb, text)'),
                  ('api.recurring_subscription_cancel(bigint, date, text)'),
                  ('api.recurring_subscription_change_class(bigint, bigint, date, text)'),
                  ('api.recurring_subscription_pause(bigint, date, date, text)'),
                  ('api.recurring_subscription_resume(bigint, date, text)'),
                  ('api.recurring_subscription_list(bigint)'),
                  ('api.invoice_get(bigint)'),
                  ('api.invoice_list(bigint, text, date, date)'),
                  ('api.member_standing(bigint, date)'),
                  ('api.member_statement(bigint, date, date)'),
                  ('api.contact_add(bigint, text, text, text, text, text)'),
                  ('api.contact_remove(bigint)'),
                  ('api.contact_list(bigint)'),
                  ('api.service_order_create(bigint, text)'),
                  ('api.service_order_close(bigint)'),
                  ('api.service_order_list(bigint)'),
                  ('api.role_grant(bigint, text, bigint, bigint)'),
                  ('api.role_revoke(bigint, bigint, bigint)'),
                  ('api.role_list(bigint, bigint)'),
                  ('api.member_groups(bigint, date)'),
                  ('api.member_paypal_email_set(bigint, text, text)'),
                  ('api.member_paypal_email_confirm(bigint, text)'),
                  ('api.membership_status(bigint)'),
                  ('api.membership_resign(bigint, date, text)'),
                  ('api.storage_renewal_request(bigint, text)'),
                  ('api.member_storage_list(bigint)'),
                  ('api.class_list(text, text, boolean, int, bigint)'),
                  ('api.class_get(bigint)'),
                  ('api.member_get(bigint)'),
                  ('api.member_update(bigint, text, text, text, text)'),
                  ('api.order_get(bigint)'),
                  ('api.order_list(bigint, bigint, text, int, bigint)'),
                  ('api.payment_list(bigint, text, date, date, int, bigint)'),
                  ('api.payment_get(bigint)'),
                  ('api.signin_request(text)'),
                  ('api.signin_complete(text, text)'),
                  ('api.signout()'),
                  ('api.membership_apply(text, text, text)'),
                  ('api.site_get()'),
                  ('api.member_export(bigint)')$q$,
        'a member''s request may execute rule_list, the functions on a member''s own data, signing in and out, site_get and member_export, '
        'nothing else');
end
$$;

create or replace function tests.test_api_grants__staff_may_execute_every_api_function()
returns setof text
language plpgsql
as $$
begin
    return next is_empty(
        $q$select p.oid::regprocedure::text
             from pg_catalog.pg_proc p
            where p.pronamespace = 'api'::regnamespace
              and not has_function_privilege('dues_staff', p.oid, 'execute')$q$,
        'a staff request may execute every api function');
end
$$;

create or replace function tests.test_api_grants__only_staff_may_create_and_revoke_tokens()
returns setof text
language plpgsql
as $$
declare
    v_role text;
begin
    return next function_privs_are('api', 'token_create', array['bigint', 'boolean', 'timestamp with time zone', 'text'],
                                   'dues_staff', array['EXECUTE'], 'staff may create tokens');
    return next function_privs_are('api', 'token_revoke', array['bigint'],
                                   'dues_staff', array['EXECUTE'], 'staff may revoke tokens');
    foreach v_role in array array['dues_member', 'dues_anonymous', 'public'] loop
        return next function_privs_are('api', 'token_create', array['bigint', 'boolean', 'timestamp with time zone', 'text'],
                                       v_role, array[]::text[], format('%s may not create tokens', v_role));
        return next function_privs_are('api', 'token_revoke', array['bigint'],
                                       v_role, array[]::text[], format('%s may not revoke tokens', v_role));
    end loop;
end
$$;

create or replace function tests.test_api_grants__request_roles_reach_schema_api_only()
returns setof text
language plpgsql
as $$
declare
    v_role text;
begin
    foreach v_role in array array['dues_anonymous', 'dues_member', 'dues_staff'] loop
        return next schema_privs_are('api', v_role, array['USAGE'], format('%s may use schema api, not create in it', v_role));
        return next schema_privs_are('dues', v_role, array[]::text[], format('%s may not reach schema dues', v_role));
        return next schema_privs_are('rules', v_role, array[]::text[], format('%s may not reach schema rules', v_role));
    end loop;
end
$$;

create or replace function tests.test_api_grants__new_functions_are_executable_by_no_one()
returns setof text
language plpgsql
as $$
begin
    create function api.fx_new_function() returns int language sql security definer set search_path = '' as 'select 1';
    return next function_privs_are('api', 'fx_new_function', array[]::text[], 'public', array[]::text[],
                                   'a function a later migration creates is not executable by PUBLIC');
    return next function_privs_are('api', 'fx_new_function', array[]::text[], 'dues_staff', array[]::text[],
                                   'nor by any request role until a migration grants it');
end
$$;
