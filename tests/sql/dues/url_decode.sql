-- Tests of dues.url_decode, dues.charset_decode and dues.form_decode: PayPal's form-encoded bodies, decoded in SQL.

create or replace function tests.test_url_decode__decodes_plus_and_percent_sequences()
returns setof text
language sql
as $$
    select is(dues.url_decode('20%3A12%3A59+Jan+13%2C+2026+PST'), '20:12:59 Jan 13, 2026 PST', 'PayPal''s payment_date')
    union all
    select is(dues.url_decode('a%2Bb+c%25d'), 'a+b c%d', 'an encoded plus and percent are literal')
    union all
    select is(dues.url_decode('100%'), '100%', 'a percent sign without two hex digits stays')
    union all
    select is(dues.url_decode('%zz%4'), '%zz%4', 'so does a broken escape')
    union all
    select is(dues.url_decode('back\slash%5C'), 'back\slash\', 'backslashes are plain characters')
    union all
    select is(dues.url_decode(''), '', 'an empty value is empty')
    union all
    select is(dues.url_decode(null), null, 'null is null');
$$;

create or replace function tests.test_url_decode__reads_the_named_charset()
returns setof text
language sql
as $$
    select is(dues.url_decode('Jos%E9+Mar%EDa', 'windows-1252'), 'José María', 'windows-1252 bytes')
    union all
    select is(dues.url_decode('%80+%9C', 'windows-1252'), '€ œ', 'windows-1252 is not ISO-8859-1 (the euro sign is 0x80)')
    union all
    select is(dues.url_decode('Jos%C3%A9', 'UTF-8'), 'José', 'UTF-8 bytes')
    union all
    select is(dues.url_decode('Jos%E9', 'ISO-8859-1'), 'José', 'ISO-8859-1 bytes')
    union all
    select is(dues.url_decode('Jos%C3%A9', 'no-such-charset'), 'José', 'an unknown charset is read as UTF-8')
    union all
    select is(dues.url_decode('Jos%E9', 'UTF-8'), 'José', 'bytes that are not UTF-8 are read as windows-1252')
    union all
    select is(dues.url_decode('a%00b', 'UTF-8'), 'ab', 'a NUL byte is dropped, text cannot hold it');
$$;
