-- bench/scale's clone mode: multiply members loaded through the api, set-based, so that a database of 1 000 000
-- members is made in minutes rather than the hours the api takes (bench/scale runs it; nothing else should).
--
-- Four phases, chosen by the psql variable phase, all in the private benchmark cluster bench/scale starts:
--
--   mark    before the seed members are loaded through the api: record every table's highest identity value,
--           its row count and the current transaction id (schema bench, dropped by phase done).
--   clone   after the seed load: copies copy_from .. copy_to (psql variables; copy k of a seed row is that row
--           with its ids moved by k times the seed's id span) of every row the seed load wrote, in every table
--           of schemas dues and jobs; then every identity sequence of a copied table past the ids made.
--           replay=on (psql variable; default off) also replays the api's updates of each row (see below).
--   check   after the clones (psql variable copies: how many): every foreign key of a cloned table holds,
--           api.ledger_check() is empty, every table holds its seed rows times (1 + copies), and a cloned member's
--           balance (api.member_balance) equals its seed's; raises if not.
--   done    drop schema bench.
--
-- How the seed rows are found and copied, from pg_catalog rather than a hand list of tables:
--   * a table with an identity column: its seed rows are those with an id above the mark; they span ids
--     lo+1 .. hi, and copy k takes ids lo+1 + k*span .. hi + k*span (span = hi - lo).
--   * a column that references a column moved that way (a foreign key, found in pg_constraint, through any
--     chain: recurring_subscription.class_subscription_id → class_subscription.id) is moved by the referenced
--     column's offset when its value is in the referenced seed range, and kept when it names a row made before
--     the seed (a class, a processor's account): those rows are shared by every copy.
--   * a table without an identity column: its seed rows are those whose primary key holds a moved column with
--     a value in its seed range (recurring_subscription by class_subscription_id).
--   * a unique index or exclusion constraint of a cloned table (partial ones only when a seed row falls under
--     their predicate) must hold a moved column; if it holds none, its text columns that are no foreign key
--     are made distinct per copy: an e-mail address gets +c<k> before its @, any other text -c<k>
--     (member.email, payment.external_ref, ledger_account.name); an index with neither stops the clone.
--   * dues.audit_log names rows without foreign keys (table_name, row_id, member_id, and the row itself as old
--     and new jsonb): the one hand-written mapping. row_id moves with the named table's primary key, member_id
--     with member.id, and the keys of old/new that are moved or made-distinct columns of the named table move
--     the same way.
--   * the copies are written with session_replication_role = replica: no trigger runs (the audit rows, and
--     whatever else triggers wrote for the seed, are copied like every other row, not made again), and no
--     foreign key is checked on insert: phase check checks every one afterwards. Unique indexes, exclusion
--     and check constraints hold as usual.
--   * the clone refuses to run if the seed load changed or removed a row it did not make (a shared row, such
--     as a balance or a counter, which copying cannot reproduce): every row whose xmin is the seed load's must
--     be a seed row, and every table must still hold its marked rows (xids compared as numbers: the cluster is
--     new, far from wraparound).
--   * what is not mapped: ids written inside text (a ledger transaction's memo "payment from member 12 ...",
--     a ledger account's name) keep the seed's; timestamps are the seed's.

\set ON_ERROR_STOP on
\set QUIET on
select :'phase' = 'mark' as is_mark, :'phase' = 'clone' as is_clone, :'phase' = 'check' as is_check,
       :'phase' = 'done' as is_done \gset

\if :is_mark

set client_min_messages = warning;
drop schema if exists bench cascade;
create schema bench;
create table bench.mark (
    tbl      regclass primary key,
    id_col   name,    -- the identity column, if any
    max_id   bigint,  -- its highest value before the seed (0: none)
    n_rows   bigint not null,
    n_upd    bigint,  -- pg_stat_user_tables' updates so far, and how many of them were HOT
    n_hot    bigint
);
create table bench.xid (xid bigint not null);
insert into bench.xid select pg_current_xact_id()::text::bigint;
do $$
declare
    r record;
    v_max bigint;
    v_n bigint;
begin
    perform pg_stat_clear_snapshot();
    for r in
        select c.oid::regclass as tbl,
               (select a.attname from pg_attribute a
                 where a.attrelid = c.oid and a.attidentity <> '' and not a.attisdropped) as id_col
          from pg_class c
         where c.relkind = 'r' and c.relnamespace::regnamespace::text in ('dues', 'jobs')
    loop
        if r.id_col is null then
            execute format('select null::bigint, count(*) from %s', r.tbl) into v_max, v_n;
        else
            execute format('select coalesce(max(%I), 0), count(*) from %s', r.id_col, r.tbl) into v_max, v_n;
        end if;
        insert into bench.mark
        select r.tbl, r.id_col, v_max, v_n, s.n_tup_upd, s.n_tup_hot_upd
          from pg_stat_user_tables s where s.relid = r.tbl;
    end loop;
end
$$;

\elif :is_clone

\if :{?replay}
\else
\set replay off
\endif
select set_config('bench.copy_from', :'copy_from', false), set_config('bench.copy_to', :'copy_to', false),
       set_config('bench.replay', :'replay', false) \gset

-- copy k of a value in lo+1 .. hi is that value plus k*span; other values (shared rows) stay
create or replace function bench.shift(v bigint, lo bigint, hi bigint, k int)
returns bigint language sql immutable as $$
    select case when v > lo and v <= hi then v + k * (hi - lo) else v end
$$;
-- a text value made distinct per copy: an e-mail address gets +c<k> before its @, anything else -c<k>
create or replace function bench.distinct_text(v text, k int)
returns text language sql immutable as $$
    select case when strpos(v, '@') > 0 then overlay(v placing '+c' || k || '@' from strpos(v, '@') for 1)
                else v || '-c' || k end
$$;
create or replace function bench.distinct_bytea(v bytea, k int)
returns bytea language sql immutable as $$
    select v || int4send(k)
$$;
-- the same two, on a key of a row held as jsonb (the audit log's old and new)
create or replace function bench.jshift(j jsonb, key text, lo bigint, hi bigint, k int)
returns jsonb language sql immutable as $$
    select case when jsonb_typeof(j -> key) = 'number' and (j ->> key)::numeric > lo and (j ->> key)::numeric <= hi
                then jsonb_set(j, array[key], to_jsonb((j ->> key)::bigint + k * (hi - lo))) else j end
$$;
create or replace function bench.jtext(j jsonb, key text, k int)
returns jsonb language sql immutable as $$
    select case when jsonb_typeof(j -> key) = 'string'
                then jsonb_set(j, array[key], to_jsonb(bench.distinct_text(j ->> key, k))) else j end
$$;

-- The plan, made once (the first clone call), from the seed as the api left it.
do $$
declare
    v_xid   bigint := (select xid from bench.xid);
    r       record;
    v_hi    bigint;
    v_n     bigint;
    v_added int;
    v_where text;
    v_expr  text;
    v_cols  text;
    v_hit   boolean;
    v_row_id text;
    v_json_case text;
    v_member record;
    jc      record;
begin
    if to_regclass('bench.seed') is not null then
        return;
    end if;
    -- seed tables and their id ranges
    create table bench.seed (
        tbl    regclass primary key,
        lo     bigint,  -- identity tables: ids lo+1 .. hi are the seed's
        hi     bigint,
        seed_where text, -- which rows are the seed's
        n_seed bigint,
        copy_sql text,   -- insert of copy bench_k (a placeholder)
        key_col name,    -- the seed's rows are key_lo+1 .. key_hi of key_col; copy k's, those plus k*(key_hi - key_lo)
        key_lo  bigint,
        key_hi  bigint,
        upd     int,     -- updates the api made to each seed row (pg_stat_user_tables), replayed on each copy
        hot     boolean, -- were they HOT (heap only), or did they add index entries
        upd_col name,    -- the column a replayed update sets to itself (HOT)
        flip_col name    -- the indexed column a replayed non-HOT update negates (twice, to restore it)
    );
    -- moved columns: (tbl, col) takes the offset of the range (rtbl's lo, hi)
    create table bench.moved (
        tbl  regclass,
        col  name,
        rtbl regclass,
        primary key (tbl, col)
    );
    -- text and bytea columns made distinct per copy
    create table bench.distinct_col (
        tbl regclass,
        col name,
        primary key (tbl, col)
    );

    for r in select * from bench.mark where id_col is not null loop
        execute format('select coalesce(max(%I), 0) from %s', r.id_col, r.tbl) into v_hi;
        if v_hi > r.max_id then
            insert into bench.seed (tbl, lo, hi, seed_where, key_col, key_lo, key_hi)
            values (r.tbl, r.max_id, v_hi, format('%I > %s and %I <= %s', r.id_col, r.max_id, r.id_col, v_hi),
                    r.id_col, r.max_id, v_hi);
            insert into bench.moved values (r.tbl, r.id_col, r.tbl);
        end if;
    end loop;

    -- foreign keys to moved columns, through chains, until nothing is added
    loop
        insert into bench.moved (tbl, col, rtbl)
        select distinct k.conrelid::regclass, ca.attname, m.rtbl
          from pg_constraint k
          cross join lateral unnest(k.conkey, k.confkey) as p(child, parent)
          join pg_attribute ca on ca.attrelid = k.conrelid and ca.attnum = p.child
          join pg_attribute pa on pa.attrelid = k.confrelid and pa.attnum = p.parent
          join bench.moved m on m.tbl = k.confrelid and m.col = pa.attname
         where k.contype = 'f'
           and k.conrelid in (select tbl from bench.mark)
        on conflict do nothing;
        get diagnostics v_added = row_count;
        exit when v_added = 0;
    end loop;

    -- tables without an identity column: seed rows by a moved column of their primary key
    for r in
        select k.conrelid::regclass as tbl, m.col, s.lo, s.hi
          from bench.mark mk
          join pg_constraint k on k.conrelid = mk.tbl and k.contype = 'p'
          join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any (k.conkey)
          join bench.moved m on m.tbl = k.conrelid and m.col = a.attname
          join bench.seed s on s.tbl = m.rtbl
         where mk.id_col is null
    loop
        v_where := format('%I > %s and %I <= %s', r.col, r.lo, r.col, r.hi);
        execute format('select count(*) from %s where %s', r.tbl, v_where) into v_n;
        if v_n > 0 then
            insert into bench.seed (tbl, seed_where, key_col, key_lo, key_hi) values (r.tbl, v_where, r.col, r.lo, r.hi)
            on conflict (tbl) do update set seed_where = bench.seed.seed_where || ' or ' || excluded.seed_where;
        end if;
    end loop;
    -- a moved column of a table with no seed rows is not needed (and its table is not copied)
    delete from bench.moved m where not exists (select from bench.seed s where s.tbl = m.tbl);

    -- the seed load made only seed rows: no row it wrote (xmin) is outside them, no marked row is gone
    for r in select mk.*, s.seed_where from bench.mark mk left join bench.seed s on s.tbl = mk.tbl loop
        execute format('select count(*) from %s where xmin::text::bigint > %s and not (%s)',
                       r.tbl, v_xid, coalesce(r.seed_where, 'false')) into v_n;
        if v_n > 0 then
            raise exception 'clone: the seed load wrote % row(s) of % that are not its own rows (an update of a shared row?): copying cannot reproduce that',
                v_n, r.tbl;
        end if;
        execute format('select count(*) from %s where not (%s)', r.tbl, coalesce(r.seed_where, 'false')) into v_n;
        if v_n <> r.n_rows then
            raise exception 'clone: % held % row(s) before the seed load and % besides the seed''s after it', r.tbl, r.n_rows, v_n;
        end if;
    end loop;

    -- unique indexes and exclusion constraints of the seed tables: a moved column, else distinct text, else stop
    for r in
        select i.indrelid::regclass as tbl, i.indexrelid::regclass as idx, pg_get_expr(i.indpred, i.indrelid) as pred,
               array(select a.attname from pg_attribute a
                      where a.attrelid = i.indrelid
                        and (a.attnum = any (i.indkey)
                             or a.attnum in (select d.refobjsubid from pg_depend d
                                              where d.classid = 'pg_class'::regclass and d.objid = i.indexrelid
                                                and d.refclassid = 'pg_class'::regclass and d.refobjid = i.indrelid))) as cols
          from pg_index i
         where (i.indisunique or i.indisexclusion)
           and i.indrelid in (select tbl from bench.seed)
    loop
        if exists (select from bench.moved m where m.tbl = r.tbl and m.col = any (r.cols)) then
            continue;
        end if;
        if r.pred is not null then
            execute format('select exists (select from %s where (%s) and (%s))', r.tbl,
                           (select seed_where from bench.seed where tbl = r.tbl), r.pred) into v_hit;
            if not v_hit then
                continue;
            end if;
        end if;
        insert into bench.distinct_col (tbl, col)
        select r.tbl, a.attname
          from pg_attribute a
         where a.attrelid = r.tbl and a.attname = any (r.cols)
           and (select t.typname from pg_type t where t.oid = a.atttypid) in ('text', 'varchar', 'citext', 'bytea')
           and not exists (select from pg_constraint k
                            where k.conrelid = r.tbl and k.contype = 'f' and a.attnum = any (k.conkey))
        on conflict do nothing;
        get diagnostics v_added = row_count;
        if v_added = 0 and not exists (select from bench.distinct_col c where c.tbl = r.tbl and c.col = any (r.cols)) then
            raise exception 'clone: unique index % of % holds no id moved per copy and no text to make distinct', r.idx, r.tbl;
        end if;
    end loop;

    -- the insert of each seed table's copy bench_k
    for r in select s.tbl from bench.seed s loop
        select string_agg(quote_ident(a.attname), ', ' order by a.attnum),
               string_agg(case
                   when m.col is not null then
                       format('bench.shift(%I, %s, %s, bench_k)', a.attname, rs.lo, rs.hi)
                   when d.col is not null and a.atttypid = 'bytea'::regtype then
                       format('bench.distinct_bytea(%I, bench_k)', a.attname)
                   when d.col is not null then
                       format('bench.distinct_text(%I, bench_k)', a.attname)
                   else quote_ident(a.attname) end, ', ' order by a.attnum)
          into v_cols, v_expr
          from pg_attribute a
          left join bench.moved m on m.tbl = r.tbl and m.col = a.attname
          left join bench.seed rs on rs.tbl = m.rtbl
          left join bench.distinct_col d on d.tbl = r.tbl and d.col = a.attname
         where a.attrelid = r.tbl and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';
        update bench.seed set copy_sql = format('insert into %s (%s) overriding system value select %s from %s where %s',
                                                r.tbl, v_cols, v_expr, r.tbl, seed_where)
         where tbl = r.tbl;
    end loop;

    -- dues.audit_log: row_id, member_id and the rows in old and new, by the table each row names
    if exists (select from bench.seed where tbl = 'dues.audit_log'::regclass) then
        if (select string_agg(attname, ',' order by attnum) from pg_attribute
             where attrelid = 'dues.audit_log'::regclass and attnum > 0 and not attisdropped)
           <> 'id,at,actor,table_name,row_id,member_id,action,old,new,why' then
            raise exception 'clone: dues.audit_log''s columns changed: update bench/scale_clone.sql';
        end if;
        v_row_id := '';
        v_json_case := '';
        for r in
            select s.tbl, c.relname
              from bench.seed s
              join pg_class c on c.oid = s.tbl
             where c.relname in (select distinct l.table_name from dues.audit_log l)
        loop
            -- row_id: the named table's one-column primary key, when it moves
            select format(' when %L then bench.shift(row_id, %s, %s, bench_k)', r.relname, rs.lo, rs.hi)
              into v_expr
              from pg_constraint k
              join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
              join bench.moved m on m.tbl = k.conrelid and m.col = a.attname
              join bench.seed rs on rs.tbl = m.rtbl
             where k.conrelid = r.tbl and k.contype = 'p' and cardinality(k.conkey) = 1;
            v_row_id := v_row_id || coalesce(v_expr, '');
            -- old and new: the named table's moved and distinct columns (JSONB_ROW stands for either)
            v_expr := 'JSONB_ROW';
            for jc in
                select m.col, rs.lo, rs.hi, false as is_text
                  from bench.moved m join bench.seed rs on rs.tbl = m.rtbl where m.tbl = r.tbl
                union all
                select d.col, null, null, true from bench.distinct_col d where d.tbl = r.tbl
            loop
                if jc.is_text then
                    v_expr := format('bench.jtext(%s, %L, bench_k)', v_expr, jc.col);
                else
                    v_expr := format('bench.jshift(%s, %L, %s, %s, bench_k)', v_expr, jc.col, jc.lo, jc.hi);
                end if;
            end loop;
            v_json_case := v_json_case || format(' when %L then %s', r.relname, v_expr);
        end loop;
        select * into v_member from bench.seed where tbl = 'dues.member'::regclass;
        update bench.seed
           set copy_sql = format(
               'insert into dues.audit_log (id, at, actor, table_name, row_id, member_id, action, old, new, why) '
               'overriding system value '
               'select bench.shift(id, %s, %s, bench_k), at, actor, table_name, %s, %s, action, %s, %s, why '
               'from dues.audit_log where %s',
               lo, hi,
               case when v_row_id = '' then 'row_id' else 'case table_name' || v_row_id || ' else row_id end' end,
               case when v_member.tbl is null then 'member_id'
                    else format('bench.shift(member_id, %s, %s, bench_k)', v_member.lo, v_member.hi) end,
               case when v_json_case = '' then 'old'
                    else 'case table_name' || replace(v_json_case, 'JSONB_ROW', 'old') || ' else old end' end,
               case when v_json_case = '' then 'new'
                    else 'case table_name' || replace(v_json_case, 'JSONB_ROW', 'new') || ' else new end' end,
               seed_where)
         where tbl = 'dues.audit_log'::regclass;
    end if;

    for r in select tbl, seed_where from bench.seed loop
        execute format('select count(*) from %s where %s', r.tbl, r.seed_where) into v_n;
        update bench.seed set n_seed = v_n where tbl = r.tbl;
    end loop;

    -- the updates the api made to the seed's rows (a subscription order opened, confirmed, closed; a credit
    -- account's balance): as many per copied row, HOT or not as the api's were, so that the copies leave the same
    -- dead row versions and index entries behind as the seed did (vacuum frees them, the files keep their size)
    perform pg_stat_clear_snapshot();
    update bench.seed s
       set upd = round((st.n_tup_upd - m.n_upd)::numeric / s.n_seed),
           hot = (st.n_tup_hot_upd - m.n_hot) * 2 >= (st.n_tup_upd - m.n_upd),
           upd_col = (select a.attname from pg_attribute a
                       where a.attrelid = s.tbl and a.attnum > 0 and not a.attisdropped
                         and a.attidentity = '' and a.attgenerated = ''
                       order by a.attnum limit 1),
           flip_col = (select a.attname from pg_attribute a
                        join bench.moved mv on mv.tbl = s.tbl and mv.col = a.attname
                       where a.attrelid = s.tbl and a.attidentity = '' and a.attgenerated = ''
                         and a.atttypid = 'int8'::regtype and a.attname <> s.key_col
                         and exists (select from pg_index i where i.indrelid = s.tbl and a.attnum = any (i.indkey))
                       order by a.attnum limit 1)
      from bench.mark m, pg_stat_user_tables st
     where m.tbl = s.tbl and st.relid = s.tbl;
    raise notice 'clone: the seed''s rows: %', (
        select string_agg(format('%s %s%s', s.tbl, s.n_seed,
                                 case when s.upd > 0 then format(' (%s %s update(s) each)', s.upd,
                                                                 case when s.hot or s.flip_col is null then 'HOT' else 'non-HOT' end) else '' end),
                          ', ' order by s.tbl::text)
          from bench.seed s);
    raise notice 'clone: made distinct per copy: %', (
        select string_agg(format('%s.%s', d.tbl, d.col), ', ' order by d.tbl::text, d.col) from bench.distinct_col d);
end
$$;

\if :{?show_plan}
select tbl, lo, hi, n_seed, seed_where, key_col, upd, hot, upd_col, flip_col from bench.seed order by tbl::text;
select tbl, col, rtbl from bench.moved order by 1, 2;
select tbl, col from bench.distinct_col order by 1, 2;
select copy_sql from bench.seed order by tbl::text;
\endif

-- The copies, one transaction each, ids ascending as the api makes them. With replay=on, a table whose rows the
-- api updated is filled to 1/(1 + updates) of each page (fillfactor) and each copied row updated as often (HOT:
-- set to itself; not HOT: an indexed column negated and restored, in pairs), to leave dead row versions and index
-- entries behind as the api's statements of 10 000 members do (an upper bound: the api's next statement reuses
-- the space autovacuum frees, these copies' fillfactor keeps it). With replay=off (the default) the copies
-- hold their rows' last versions only, as a table does once that space is reused.
set session_replication_role = replica;
do $$
declare
    v_from int := current_setting('bench.copy_from')::int;
    v_to   int := current_setting('bench.copy_to')::int;
    r      record;
    v_at   timestamptz := clock_timestamp();
    v_a    bigint;
    v_b    bigint;
    v_done int;
    v_replay boolean := current_setting('bench.replay') = 'on';
begin
    if v_replay then
        for r in select * from bench.seed where upd > 0 loop
            execute format('alter table %s set (fillfactor = %s)', r.tbl, greatest(10, 100 / (1 + r.upd)));
        end loop;
        commit;
    end if;
    for k in v_from .. v_to loop
        for r in select * from bench.seed order by tbl::text loop
            execute replace(r.copy_sql, 'bench_k', k::text);
            v_a := r.key_lo + 1 + k * (r.key_hi - r.key_lo);
            v_b := r.key_hi + k * (r.key_hi - r.key_lo);
            v_done := case when v_replay then 0 else r.upd end;
            if not r.hot and r.flip_col is not null then
                while v_done + 2 <= r.upd loop
                    execute format('update %s set %I = -%I where %I between %s and %s', r.tbl, r.flip_col, r.flip_col, r.key_col, v_a, v_b);
                    execute format('update %s set %I = -%I where %I between %s and %s', r.tbl, r.flip_col, r.flip_col, r.key_col, v_a, v_b);
                    v_done := v_done + 2;
                end loop;
            end if;
            while v_done < coalesce(r.upd, 0) loop
                execute format('update %s set %I = %I where %I between %s and %s', r.tbl, r.upd_col, r.upd_col, r.key_col, v_a, v_b);
                v_done := v_done + 1;
            end loop;
        end loop;
        commit;
        if k = v_to or (k - v_from + 1) % 10 = 0 then
            raise notice 'clone: copy % of %..% made (% s)', k, v_from, v_to,
                round(extract(epoch from clock_timestamp() - v_at)::numeric, 1);
        end if;
    end loop;
    if v_replay then
        for r in select * from bench.seed where upd > 0 loop
            execute format('alter table %s reset (fillfactor)', r.tbl);
        end loop;
    end if;
end
$$;
reset session_replication_role;

-- every identity sequence of a copied table past the ids made
do $$
declare
    r record;
begin
    for r in
        select s.tbl, a.attname, pg_get_serial_sequence(s.tbl::text, a.attname) as seq
          from bench.seed s
          join pg_attribute a on a.attrelid = s.tbl and a.attidentity <> '' and not a.attisdropped
    loop
        execute format('select setval(%L, (select max(%I) from %s))', r.seq, r.attname, r.tbl);
    end loop;
end
$$;

\elif :is_check

select set_config('bench.copies', :'copies', false) \gset
do $$
declare
    v_copies int := current_setting('bench.copies')::int;
    r        record;
    v_n      bigint;
    v_bad    bigint := 0;
    v_member record;
begin
    -- every foreign key of a copied table holds (they were not checked on insert)
    for r in
        select k.conname, k.conrelid::regclass as tbl, k.confrelid::regclass as rtbl,
               (select string_agg(format('c.%I = p.%I', ca.attname, pa.attname), ' and ')
                  from unnest(k.conkey, k.confkey) as x(child, parent)
                  join pg_attribute ca on ca.attrelid = k.conrelid and ca.attnum = x.child
                  join pg_attribute pa on pa.attrelid = k.confrelid and pa.attnum = x.parent) as join_on,
               (select string_agg(format('c.%I is not null', ca.attname), ' and ')
                  from unnest(k.conkey) as x(child)
                  join pg_attribute ca on ca.attrelid = k.conrelid and ca.attnum = x.child) as not_null
          from pg_constraint k
         where k.contype = 'f' and k.conrelid in (select tbl from bench.seed)
    loop
        execute format('select count(*) from %s c where %s and not exists (select from %s p where %s)',
                       r.tbl, r.not_null, r.rtbl, r.join_on) into v_n;
        if v_n > 0 then
            raise warning 'check: % row(s) of % break foreign key %', v_n, r.tbl, r.conname;
            v_bad := v_bad + v_n;
        end if;
    end loop;
    if v_bad > 0 then
        raise exception 'check: % row(s) break a foreign key', v_bad;
    end if;
    -- every seed table holds its marked rows plus the seed's times (1 + copies)
    for r in select s.tbl, s.n_seed, m.n_rows from bench.seed s join bench.mark m using (tbl) loop
        execute format('select count(*) from %s', r.tbl) into v_n;
        if v_n <> r.n_rows + r.n_seed * (1 + v_copies) then
            raise exception 'check: % holds % rows, not % + % x %', r.tbl, v_n, r.n_rows, r.n_seed, 1 + v_copies;
        end if;
    end loop;
    -- the ledger
    select count(*) into v_n from api.ledger_check();
    if v_n > 0 then
        raise exception 'check: api.ledger_check() reports % row(s), e.g. %', v_n, (select row(c.*)::text from api.ledger_check() c limit 1);
    end if;
    -- a cloned member's balance is its seed's: every seed member against its last copy, the first 100 against
    -- every copy
    select * into v_member from bench.seed where tbl = 'dues.member'::regclass;
    select count(*), count(*) filter (where b.seed is distinct from b.copy)
      into v_n, v_bad
      from (select (select array_agg(x::text order by x::text) from api.member_balance(m.id) x) as seed,
                   (select array_agg(x::text order by x::text)
                      from api.member_balance(m.id + ks.k * (v_member.hi - v_member.lo)) x) as copy
              from dues.member m
             cross join lateral (select v_copies as k
                                 union
                                 select g from generate_series(1, v_copies) g where m.id <= v_member.lo + 100) ks
             where m.id > v_member.lo and m.id <= v_member.hi) b;
    if v_bad > 0 then
        raise exception 'check: % of % cloned members'' balances differ from their seed''s', v_bad, v_n;
    end if;
    raise notice 'check: foreign keys hold; rows = seed x %; api.ledger_check() empty; % cloned members'' balances equal their seed''s',
        1 + v_copies, v_n;
end
$$;

\elif :is_done

set client_min_messages = warning;
drop schema bench cascade;

\else
\warn 'scale_clone.sql: psql -v phase=mark|clone|check|done'
select 1 / 0;
\endif
