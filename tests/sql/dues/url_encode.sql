-- Tests of dues.url_encode.

create or replace function tests.test_url_encode__encodes_all_but_unreserved_characters()
returns setof text
language plpgsql
as $$
begin
    return next is(dues.url_encode('ann+1@example.org'), 'ann%2B1%40example.org', '+ and @ are encoded');
    return next is(dues.url_encode('A-z_0.9~'), 'A-z_0.9~', 'letters, digits and - . _ ~ are themselves');
    return next is(dues.url_encode('José &x'), 'Jos%C3%A9%20%26x', 'other characters are their UTF-8 bytes');
    return next is(dues.url_encode(''), '', 'empty is empty');
end
$$;
