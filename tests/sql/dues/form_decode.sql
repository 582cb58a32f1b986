-- Tests of dues.form_decode.

create or replace function tests.test_form_decode__decodes_a_paypal_body_in_its_charset()
returns setof text
language plpgsql
as $$
declare
    v_fields jsonb := dues.form_decode(convert_to(
        'mc_gross=25.00&payment_date=20%3A12%3A59+Jan+13%2C+2026+PST&first_name=Jos%E9&charset=windows-1252'
        '&mc_gross=99.00&empty=&flag&payer_email=ann%40example.org', 'UTF8'));
begin
    return next is(v_fields ->> 'mc_gross', '25.00', 'a field''s value');
    return next is(v_fields ->> 'payment_date', '20:12:59 Jan 13, 2026 PST', 'decoded');
    return next is(v_fields ->> 'first_name', 'José', 'in the charset the body names, even when it names it later');
    return next is(v_fields ->> 'payer_email', 'ann@example.org', 'an encoded @');
    return next is(v_fields ->> 'empty', '', 'an empty value');
    return next is(v_fields ->> 'flag', '', 'a name without = has an empty value');
    return next is((select count(*) from jsonb_object_keys(v_fields)), 7::bigint, 'a field given twice keeps its first value');
end
$$;

create or replace function tests.test_form_decode__never_fails()
returns setof text
language plpgsql
as $$
begin
    return next is(dues.form_decode(''::bytea), '{}'::jsonb, 'an empty body has no field');
    return next is(dues.form_decode(null), '{}'::jsonb, 'nor has a missing one');
    return next is(dues.form_decode('\x00ff3d26263dfe'::bytea) ->> '', 'þ', 'arbitrary bytes decode to something');
    return next is(dues.form_decode(convert_to('name=%E9t%E9', 'UTF8')) ->> 'name', 'été',
                   'without a charset field, bytes that are not UTF-8 are read as windows-1252');
    return next is(dues.form_decode(convert_to('x=%ZZ&y=a\b', 'UTF8')), '{"x": "%ZZ", "y": "a\\b"}'::jsonb,
                   'broken escapes and backslashes are kept');
end
$$;
