-- Trigger: refuses (DU016) a row whose text columns are longer than their kind's limit. Its arguments name the
-- columns and their kinds, 'column:kind'. On UPDATE only the columns that change are checked.
create or replace function dues.text_limit_check()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_new    jsonb := pg_catalog.to_jsonb(new);
    v_old    jsonb := case when tg_op = 'UPDATE' then pg_catalog.to_jsonb(old) end;
    v_arg    text;
    v_column text;
    v_kind   text;
    v_length int;
    v_limit  int;
    v_seen   text;
begin
    foreach v_arg in array tg_argv loop
        v_column := pg_catalog.split_part(v_arg, ':', 1);
        v_kind := pg_catalog.split_part(v_arg, ':', 2);
        continue when v_old is not null and (v_new -> v_column) is not distinct from (v_old -> v_column);
        v_length := pg_catalog.char_length(v_new ->> v_column);
        continue when v_length is null;
        -- columns of one kind in a row share one look-up of its limit (a bulk insert runs this for each of its rows)
        if v_kind is distinct from v_seen then
            v_limit := dues.text_limit(v_kind);
            v_seen := v_kind;
        end if;
        if v_length > v_limit then
            raise exception '% is % characters long, at most % are allowed', v_column, v_length, v_limit
                using errcode = 'DU016',
                      detail = pg_catalog.format('%s.%s is a %s', tg_table_name, v_column, v_kind),
                      hint = pg_catalog.format('setting text_limit_%s holds the limit', v_kind);
        end if;
    end loop;
    return new;
end
$$;

create or replace trigger member_text_limit before insert or update on dues.member
    for each row execute function dues.text_limit_check('name:name', 'email:address', 'paypal_email:address');
create or replace trigger member_contact_text_limit before insert or update on dues.member_contact
    for each row execute function dues.text_limit_check('name:name', 'email:address', 'phone:name', 'postal_address:address');
create or replace trigger service_order_text_limit before insert or update on dues.service_order
    for each row execute function dues.text_limit_check('name:name');
create or replace trigger storage_renewal_text_limit before insert or update on dues.storage_renewal
    for each row execute function dues.text_limit_check('note:note', 'decision_note:note');
create or replace trigger audit_log_text_limit before insert on dues.audit_log
    for each row execute function dues.text_limit_check('why:note');
create or replace trigger class_text_limit before insert or update on dues.class
    for each row execute function dues.text_limit_check('title:name', 'description:note');
create or replace trigger charge_text_limit before insert on dues.charge
    for each row execute function dues.text_limit_check('description:note');
create or replace trigger paypal_email_claim_text_limit before insert on dues.paypal_email_claim
    for each row execute function dues.text_limit_check('email:address', 'why:note');
create or replace trigger payment_method_text_limit before insert or update on dues.payment_method
    for each row execute function dues.text_limit_check('title:name');
create or replace trigger charge_cancellation_text_limit before insert on dues.charge_cancellation
    for each row execute function dues.text_limit_check('why:note');
create or replace trigger class_subscription_cancellation_text_limit before insert on dues.class_subscription_cancellation
    for each row execute function dues.text_limit_check('why:note');
