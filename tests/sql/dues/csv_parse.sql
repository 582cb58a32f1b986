-- Tests of dues.csv_parse.

create or replace function tests.test_csv_parse__reads_quotes_line_ends_and_the_lines_records_start_on()
returns setof text
language plpgsql
as $$
begin
    return next is((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(p.line, p.fields, p.errors) order by p.line)
                      from dues.csv_parse(E'\uFEFFName , EMAIL\r\nann,"a@x"\n"Bob ""B""\nof Y",b@x\n\n"c, d",\n',
                                          array['name', 'email']) p),
                  '[[2, {"name": "ann", "email": "a@x"}, []], [3, {"name": "Bob \"B\"\nof Y", "email": "b@x"}, []], [6, {"name": "c, d", "email": ""}, []]]'::jsonb,
                  'quoted fields keep commas, doubled quotes and line ends; a record is numbered by the line it starts on; blank lines are skipped');
end
$$;

create or replace function tests.test_csv_parse__names_every_bad_line()
returns setof text
language plpgsql
as $$
begin
    return next is((select pg_catalog.jsonb_agg(p.errors -> 0 ->> 'reason' order by p.line)
                      from dues.csv_parse(E'name,email\nann,a,c\n"x"y,z\nok,ok\n' || pg_catalog.repeat('w', 70000) || E',q\n"open,c\n',
                                          array['name', 'email']) p where p.errors <> '[]'),
                  '["3 fields, the header names 2 columns", "a quoted field must end at its closing quote (a quote inside it is written twice: \"\")", "the line is 70003 characters long, more than the 65536 allowed", "a quote opens a field and is never closed"]'::jsonb,
                  'too many fields, text after a closing quote, an over-long line and a quote left open are each their line''s error');
    return next is((select pg_catalog.count(*)::int from dues.csv_parse(E'name,email\nann,a,c\n"x"y,z\nok,ok\n', array['name', 'email']) p
                     where p.errors = '[]'), 1, 'the good lines are read besides');
end
$$;

create or replace function tests.test_csv_parse__refuses_a_wrong_header_alone()
returns setof text
language plpgsql
as $$
begin
    return next is((select pg_catalog.jsonb_agg(p.line) from dues.csv_parse(E'name,mail,name\nann,a,b\n', array['name', 'email']) p),
                   '[1]'::jsonb, 'a wrong header is the one bad line: nothing else is read');
    return next is((select pg_catalog.jsonb_agg(e ->> 'column' order by e ->> 'column')
                      from dues.csv_parse(E'name,mail,name\nann,a,b\n', array['name', 'email']) p, pg_catalog.jsonb_array_elements(p.errors) e),
                   '["email", "mail", "name"]'::jsonb, 'an unknown column, a missing one and one named twice, each named');
    return next is((select p.errors -> 0 ->> 'reason' from dues.csv_parse('', array['name']) p),
                   'the file is empty: its first line names the columns name', 'an empty file');
end
$$;
