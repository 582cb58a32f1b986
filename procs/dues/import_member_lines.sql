-- The lines of a members file (name, email; kind, paypal_email, joined_on, groups, status), read by dues.import_file,
-- imported set-based: one statement checks every line and inserts the new members, their memberships and group
-- memberships, whatever the number of lines (it joins no set of lines to another: no plan turns quadratic on a wrong
-- estimate). Answers {imported, unchanged, errors: [{line, column, code, reason}]}: every bad line with the first
-- thing wrong with it. The caller undoes everything when there is an error (or for a dry run). (Data-modifying parts
-- of a WITH run to the end whether or not the rest reads them.)
-- A line is a new member with its groups and membership, or unchanged when a member has the e-mail (case-insensitive)
-- with the same name, kind and PayPal e-mail (its groups and membership are its own by then), or when an earlier line
-- of the file makes that member. A member of that e-mail with other data is a bad line (DU015): an import never
-- rewrites a member (member_update does).
-- groups: group keys separated by ";", joined from joined_on (default today). status: pending (joined, no payment
-- yet: group pending_payments), member (joined and paid: group members, membership started on joined_on), waived
-- (exempt from dues: group members), or blank (no membership of the organisation).
create or replace function dues.import_member_lines(p_lines dues.csv_parse_row[])
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    c_email      constant text := '^[^@[:space:]]+@[^@[:space:]]+$';
    v_today      date := dues.local_date(pg_catalog.now());
    v_name_limit int := dues.text_limit('name');
    v_addr_limit int := dues.text_limit('address');
    v_keys       text[] := array(select g.key from dues."group" g where g.key is not null);
    v_sequence   text := pg_catalog.pg_get_serial_sequence('dues.member', 'id');
    v_report     jsonb;
begin
    with line as (
        select l.line,
               nullif(pg_catalog.btrim(l.fields ->> 'name'), '') as name,
               nullif(pg_catalog.btrim(l.fields ->> 'email'), '') as email,
               pg_catalog.lower(coalesce(nullif(pg_catalog.btrim(l.fields ->> 'kind'), ''), 'person')) as kind,
               nullif(pg_catalog.btrim(l.fields ->> 'paypal_email'), '') as paypal_email,
               nullif(pg_catalog.btrim(l.fields ->> 'joined_on'), '') as joined_text,
               pg_catalog.lower(nullif(pg_catalog.btrim(l.fields ->> 'status'), '')) as status,
               coalesce((select pg_catalog.array_agg(pg_catalog.btrim(k) order by o)
                           from pg_catalog.unnest(pg_catalog.string_to_array(l.fields ->> 'groups', ';')) with ordinality as g(k, o)
                          where pg_catalog.btrim(k) <> ''), '{}') as keys
          from pg_catalog.unnest(p_lines) l
    ),
    -- what a line gets wrong by itself, in the order it is checked: [code, column, reason]
    checked as (
        select l.*,
               pg_catalog.lower(l.email) as email_key,
               coalesce(d.joined, v_today) as joined,
               case when l.name is null then array['DU650', 'name', 'name is blank']
                    when l.email is null then array['DU650', 'email', 'email is blank']
                    when l.joined_text is not null and d.joined is null then
                        array['DU650', 'joined_on', pg_catalog.format('joined_on "%s" is not a date YYYY-MM-DD', pg_catalog.left(l.joined_text, 100))]
                    when l.email !~ c_email then
                        array['DU018', 'email', pg_catalog.format('e-mail address "%s" is not valid', l.email)]
                    when l.paypal_email !~ c_email then
                        array['DU018', 'paypal_email', pg_catalog.format('PayPal e-mail address "%s" is not valid', l.paypal_email)]
                    when l.kind not in ('person', 'organization') then
                        array['DU019', 'kind', pg_catalog.format('kind must be person or organization, not "%s"', l.kind)]
                    when l.status not in ('pending', 'member', 'waived') then
                        array['DU019', 'status', pg_catalog.format('status must be pending, member, waived or blank, not "%s"', l.status)]
                    when not l.keys <@ v_keys then
                        array['DU110', 'groups', pg_catalog.format('no group has the key "%s"',
                            (select k from pg_catalog.unnest(l.keys) with ordinality as u(k, o) where k <> all (v_keys) order by o limit 1))]
               end as problem
          from line l
          cross join lateral (select dues.import_date(l.joined_text) as joined) d
    ),
    -- the member of a good line's e-mail, when there is one already
    matched as (
        select c.*, m.id as member_id, m.name as was_name, m.kind as was_kind, m.paypal_email as was_paypal
          from checked c
          left join dues.member m on c.problem is null and pg_catalog.lower(m.email) = c.email_key
    ),
    -- a good line of an e-mail no member has: what is too long for a member (as member_text_limit checks); the first
    -- line of its e-mail that is not too long makes the member (maker), the others are compared with that one
    sized as (
        select mt.*, t.too_long,
               pg_catalog.min(mt.line) filter (where mt.problem is null and mt.member_id is null and t.too_long is null)
                   over (partition by mt.email_key) as maker_line
          from matched mt
          cross join lateral (
              select case when mt.problem is not null or mt.member_id is not null then null
                          when pg_catalog.char_length(mt.name) > v_name_limit then
                              pg_catalog.format('name is %s characters long, at most %s are allowed', pg_catalog.char_length(mt.name), v_name_limit)
                          when pg_catalog.char_length(mt.email) > v_addr_limit then
                              pg_catalog.format('email is %s characters long, at most %s are allowed', pg_catalog.char_length(mt.email), v_addr_limit)
                          when pg_catalog.char_length(mt.paypal_email) > v_addr_limit then
                              pg_catalog.format('paypal_email is %s characters long, at most %s are allowed',
                                                pg_catalog.char_length(mt.paypal_email), v_addr_limit)
                     end as too_long) t
    ),
    -- the makers are given their member ids in line order
    numbered as (
        select sz.*,
               case when sz.line = sz.maker_line then pg_catalog.nextval(v_sequence::regclass) end as new_id
          from sized sz
         order by sz.line
    ),
    -- each line with the member it is compared with: one that exists, or the one an earlier line makes
    outcome as (
        select n.*,
               coalesce(n.member_id, pg_catalog.max(n.new_id) over w) as other_id,
               coalesce(n.was_name, pg_catalog.min(n.name) filter (where n.new_id is not null) over w) as other_name,
               coalesce(n.was_kind, pg_catalog.min(n.kind) filter (where n.new_id is not null) over w) as other_kind,
               case when n.member_id is not null then n.was_paypal
                    else pg_catalog.min(n.paypal_email) filter (where n.new_id is not null) over w end as other_paypal,
               n.problem is null and (n.member_id is not null or coalesce(n.line > n.maker_line, false)) as compared
          from numbered n
        window w as (partition by n.email_key)
    ),
    created as (
        insert into dues.member (id, kind, name, email, paypal_email)
        overriding system value
        select o.new_id, o.kind, o.name, o.email, o.paypal_email
          from outcome o
         where o.new_id is not null
         order by o.line
    ),
    memberships as (
        insert into dues.membership (member_id, join_date, start_date, waived)
        select o.new_id, o.joined, case when o.status = 'member' then o.joined end, o.status = 'waived'
          from outcome o
         where o.new_id is not null and o.status is not null
         order by o.line
    ),
    group_memberships as (
        insert into dues.group_membership (group_id, member_id, during)
        select g.id, k.new_id, pg_catalog.daterange(k.joined, null)
          from (select o.new_id, o.joined, o.line, u.k, pg_catalog.min(u.o) as o
                  from outcome o
                  cross join lateral pg_catalog.unnest(o.keys || case o.status when 'pending' then array['pending_payments']
                                                                               when 'member' then array['members']
                                                                               when 'waived' then array['members']
                                                                               else '{}'::text[] end) with ordinality as u(k, o)
                 where o.new_id is not null
                 group by o.new_id, o.joined, o.line, u.k) k
          join dues."group" g on g.key = k.k
         order by k.line, k.o
    ),
    -- a compared line that differs from its member (DU015)
    differs as (
        select o.line,
               case when o.other_name <> o.name then
                        array['name', pg_catalog.format('e-mail %s is member %s''s, named "%s", not "%s": an import does not change members (member_update does)',
                                                        o.email, o.other_id, o.other_name, o.name)]
                    when o.other_kind <> o.kind then
                        array['kind', pg_catalog.format('e-mail %s is member %s''s, of kind %s, not %s: an import does not change members',
                                                        o.email, o.other_id, o.other_kind, o.kind)]
                    when o.other_paypal is distinct from o.paypal_email then
                        array['paypal_email', pg_catalog.format('e-mail %s is member %s''s, whose PayPal e-mail is %s, not %s: an import does not change members',
                                                                o.email, o.other_id, coalesce(o.other_paypal, '(none)'), coalesce(o.paypal_email, '(none)'))]
               end as problem
          from outcome o
         where o.compared
    ),
    bad as (
        select o.line, o.problem[1] as code, o.problem[2] as col, o.problem[3] as reason
          from outcome o
         where o.problem is not null
        union all
        -- too long for a member, and no earlier line makes the member of that e-mail (the line would be compared)
        select o.line, 'DU016', null, o.too_long
          from outcome o
         where o.too_long is not null and not o.compared
        union all
        select d.line, 'DU015', d.problem[1], d.problem[2]
          from differs d
         where d.problem is not null
    )
    select pg_catalog.jsonb_build_object(
               'imported', (select pg_catalog.count(*) from outcome o where o.new_id is not null),
               'unchanged', (select pg_catalog.count(*) from differs d where d.problem is null),
               'errors', coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('line', b.line, 'column', b.col, 'code', b.code,
                                                                                             'reason', b.reason) order by b.line)
                                     from bad b), '[]'))
      into v_report;
    return v_report;
end
$$;
