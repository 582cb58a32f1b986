-- The lines of a members file (name, email; kind, paypal_email, joined_on, groups, status), read by dues.import_file,
-- imported set-based: every line is checked in one statement and the new members, their memberships and group
-- memberships are inserted in three more of the same statement, whatever the number of lines. Answers
-- {imported, unchanged, errors: [{line, column, code, reason}]}: every bad line with the first thing wrong with it.
-- The caller undoes everything when there is an error (or for a dry run). (Data-modifying parts of a WITH run to the
-- end whether or not the rest reads them.)
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
    -- good lines of members there already
    existing as (
        select c.line, m.id, m.name, m.kind, m.paypal_email
          from checked c
          join dues.member m on pg_catalog.lower(m.email) = c.email_key
         where c.problem is null
    ),
    -- good lines of e-mails no member has yet, and which of their texts is too long for a member (as member_text_limit)
    fresh as (
        select c.*,
               case when pg_catalog.char_length(c.name) > v_name_limit then
                        pg_catalog.format('name is %s characters long, at most %s are allowed', pg_catalog.char_length(c.name), v_name_limit)
                    when pg_catalog.char_length(c.email) > v_addr_limit then
                        pg_catalog.format('email is %s characters long, at most %s are allowed', pg_catalog.char_length(c.email), v_addr_limit)
                    when pg_catalog.char_length(c.paypal_email) > v_addr_limit then
                        pg_catalog.format('paypal_email is %s characters long, at most %s are allowed', pg_catalog.char_length(c.paypal_email), v_addr_limit)
               end as too_long
          from checked c
         where c.problem is null
           and not exists (select from existing e where e.line = c.line)
    ),
    -- the first line of each new e-mail makes its member
    maker as (
        select distinct on (f.email_key) f.*
          from fresh f
         where f.too_long is null
         order by f.email_key, f.line
    ),
    created as (
        insert into dues.member as m (kind, name, email, paypal_email)
        select mk.kind, mk.name, mk.email, mk.paypal_email from maker mk order by mk.line
        returning m.id, pg_catalog.lower(m.email) as email_key
    ),
    made as (
        select cr.id, mk.*
          from created cr
          join maker mk using (email_key)
    ),
    memberships as (
        insert into dues.membership (member_id, join_date, start_date, waived)
        select md.id, md.joined, case when md.status = 'member' then md.joined end, md.status = 'waived'
          from made md
         where md.status is not null
         order by md.line
    ),
    group_memberships as (
        insert into dues.group_membership (group_id, member_id, during)
        select g.id, k.id, pg_catalog.daterange(k.joined, null)
          from (select md.id, md.joined, md.line, u.k, pg_catalog.min(u.o) as o
                  from made md
                  cross join lateral pg_catalog.unnest(md.keys || case md.status when 'pending' then array['pending_payments']
                                                                                 when 'member' then array['members']
                                                                                 when 'waived' then array['members']
                                                                                 else '{}'::text[] end) with ordinality as u(k, o)
                 group by md.id, md.joined, md.line, u.k) k
          join dues."group" g on g.key = k.k
         order by k.line, k.o
    ),
    -- lines of a member that exists, or that an earlier line makes, against that member: the same, or DU015
    compared as (
        select c.line, c.email, c.name, c.kind, c.paypal_email, e.id, e.name as was_name, e.kind as was_kind, e.paypal_email as was_paypal
          from existing e
          join checked c using (line)
        union all
        select f.line, f.email, f.name, f.kind, f.paypal_email, md.id, md.name, md.kind, md.paypal_email
          from fresh f
          join made md on md.email_key = f.email_key and md.line < f.line
    ),
    differs as (
        select cp.line,
               case when cp.was_name <> cp.name then
                        array['name', pg_catalog.format('e-mail %s is member %s''s, named "%s", not "%s": an import does not change members (member_update does)',
                                                        cp.email, cp.id, cp.was_name, cp.name)]
                    when cp.was_kind <> cp.kind then
                        array['kind', pg_catalog.format('e-mail %s is member %s''s, of kind %s, not %s: an import does not change members',
                                                        cp.email, cp.id, cp.was_kind, cp.kind)]
                    when cp.was_paypal is distinct from cp.paypal_email then
                        array['paypal_email', pg_catalog.format('e-mail %s is member %s''s, whose PayPal e-mail is %s, not %s: an import does not change members',
                                                                cp.email, cp.id, coalesce(cp.was_paypal, '(none)'), coalesce(cp.paypal_email, '(none)'))]
               end as problem
          from compared cp
    ),
    bad as (
        select c.line, c.problem[1] as code, c.problem[2] as col, c.problem[3] as reason
          from checked c
         where c.problem is not null
        union all
        -- too long for a member: unless an earlier line makes the member of that e-mail (then compared)
        select f.line, 'DU016', null, f.too_long
          from fresh f
         where f.too_long is not null
           and not exists (select from made md where md.email_key = f.email_key and md.line < f.line)
        union all
        select d.line, 'DU015', d.problem[1], d.problem[2]
          from differs d
         where d.problem is not null
    )
    select pg_catalog.jsonb_build_object(
               'imported', (select pg_catalog.count(*) from made),
               'unchanged', (select pg_catalog.count(*) from differs d where d.problem is null),
               'errors', coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('line', b.line, 'column', b.col, 'code', b.code,
                                                                                             'reason', b.reason) order by b.line)
                                     from bad b), '[]'))
      into v_report;
    return v_report;
end
$$;
