# Sourced by bench/run: the collector over M members and S recurring
# subscriptions, for each M:S of COLLECT_SIZES (two monthly classes, so at most two
# subscriptions a member), loaded through api.member_create and
# api.recurring_subscription_start. Timed: `dues jobs run collect --at D 12:00` on one
# copy of the database, and the set-based limit (bench/collect_limit.sql) on
# another; both must make the same invoice lines.
# Needs: DUES HOME_DIR URL SQL LOAD RESULTS WORK here say die.

elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN {printf "%.3f", e - s}'; }
collect_size() { # collect_size MEMBERS SUBSCRIPTIONS
    local cm=$1 cs=$2
    say "collector: $cm members, $cs subscriptions"
    base_db=dues_collect
    CURL=$(echo "$URL" | sed "s#/dues?#/$base_db?#")
    LURL=$(echo "$URL" | sed "s#/dues?#/${base_db}_limit?#")
    SQL -c "drop database if exists ${base_db}_limit with (force)" -c "drop database if exists $base_db with (force)" -c "create database $base_db"
    "$DUES" --database-url "$CURL" migrate >/dev/null
    CSQL() { psql -X -q -At -v ON_ERROR_STOP=1 "$CURL" "$@"; }

    # the first day of next month: a start date the api accepts, and one period per subscription inside the lead time
    DAY=$(CSQL -c "select (date_trunc('month', current_date) + interval '1 month')::date")
    load_started=$(date +%s.%N)
    CSQL >/dev/null <<SQL
    select set_config('bench.provider', (api.provider_register((api.member_create('Bench provider', 'provider@collect.example', 'organization')).id)).member_id::text, false);
    select set_config('bench.class_a', (api.class_create('Bench monthly dues', 'recurring', '{"period": "month", "amount": "30.00", "renewal": "auto_renew"}', 'USD')).id::text, false);
    select set_config('bench.class_b', (api.class_create('Bench workshop', 'recurring', '{"period": "month", "amount": "12.50", "renewal": "auto_renew"}', 'USD')).id::text, false);
    select api.class_set_provider(current_setting('bench.class_a')::bigint, current_setting('bench.provider')::bigint);
    select api.class_set_provider(current_setting('bench.class_b')::bigint, current_setting('bench.provider')::bigint);
SQL
    # members and subscriptions in batches of 10 000 (one transaction each)
    batch=10000
    for ((from = 1; from <= cm; from += batch)); do
        to=$((from + batch - 1)); [ $to -gt "$cm" ] && to=$cm
        CSQL -c "select count(api.member_create('Collect member ' || i, 'collect' || i || '@collect.example')) from generate_series($from, $to) i" >/dev/null
    done
    CLASS_A=$(CSQL -c "select id from dues.class where title = 'Bench monthly dues'")
    CLASS_B=$(CSQL -c "select id from dues.class where title = 'Bench workshop'")
    FIRST=$(CSQL -c "select min(id) from dues.member where email like 'collect%@collect.example'")
    for ((from = 0; from < cs; from += batch)); do
        to=$((from + batch - 1)); [ $to -ge "$cs" ] && to=$((cs - 1))
        # subscription k: member FIRST + k mod M, class A for the first M subscriptions, then class B
        CSQL -c "select count(api.recurring_subscription_start($FIRST + k % $cm,
                        case when k < $cm then $CLASS_A else $CLASS_B end,
                        jsonb_build_object('start_date', '$DAY'::date)))
                   from generate_series($from, $to) k" >/dev/null
    done
    CSQL -c "vacuum analyze" >/dev/null
    load_s=$(elapsed $load_started)
    echo "collector data loaded in ${load_s}s" >&2
    SQL -c "create database ${base_db}_limit template $base_db"
    if [ "$COLLECT_PROFILE" = 1 ]; then
        SQL -c "drop database if exists ${base_db}_profile with (force)" -c "create database ${base_db}_profile template $base_db" \
            -c "alter database ${base_db}_profile set track_functions = 'pl'"
    fi
    LSQL() { psql -X -q -At -v ON_ERROR_STOP=1 "$LURL" "$@"; }

    AT="$DAY 12:00:00+00"
    # a run longer than COLLECT_TIMEOUT is cancelled; its time is then a lower bound
    SQL -c "alter database $base_db set statement_timeout = '${COLLECT_TIMEOUT}s'" >/dev/null
    started=$(date +%s.%N)
    local finished=yes bound=""
    # (the time limit twice: statement_timeout for a collector that runs as one statement, timeout(1) for one that
    # calls again batch after batch)
    timeout "$COLLECT_TIMEOUT" "$DUES" --database-url "$CURL" jobs run collect --at "$AT" > "$WORK/collect.json" 2>"$WORK/collect.err" || finished=no
    collect_s=$(elapsed $started)
    if [ $finished = no ]; then
        grep -q "statement timeout" "$WORK/collect.err" || [ ! -s "$WORK/collect.err" ] || { cat "$WORK/collect.err" >&2; die "the collector failed"; }
        echo "{\"cancelled\": \"after ${COLLECT_TIMEOUT} s: not finished\"}" > "$WORK/collect.json"
        bound="> "
    fi
    echo "dues jobs run collect: ${collect_s}s: $(cat "$WORK/collect.json")" >&2

    started=$(date +%s.%N)
    LSQL -v "at=$AT" -f "$here/collect_limit.sql" > "$WORK/collect_limit.out"
    limit_s=$(elapsed $started)
    echo "set-based limit: ${limit_s}s" >&2

    lines_sql="select count(*) || ' lines, ' || coalesce(sum(l.amount), 0) || ' total, digest ' ||
                      md5(coalesce(string_agg(concat_ws('|', l.class_subscription_id, l.class_id, l.period_of, l.period_start, l.period_end, l.due_date,
                                                        l.amount, l.period_amount, l.description, i.member_id, i.provider_id, i.currency),
                                              ',' order by l.class_subscription_id, l.period_of), ''))
                 from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id where l.kind = 'period'"
    ours=$(CSQL -c "$lines_sql")
    theirs=$(LSQL -c "$lines_sql")
    invoices_ours=$(CSQL -c "select count(*) from dues.invoice")
    invoices_theirs=$(LSQL -c "select count(*) from dues.invoice")
    same=no; [ "$ours" = "$theirs" ] && same=yes
    echo "lines: dues $ours ($invoices_ours invoices); limit $theirs ($invoices_theirs invoices); same: $same" >&2
    ratio=$(awk -v a="$collect_s" -v b="$limit_s" 'BEGIN {printf "%.3f", a / b}')
    members_total=$(CSQL -c "select count(*) from dues.member")
    echo "{\"kind\":\"metric\",\"name\":\"collector: dues jobs run collect, $cm members, $cs subscriptions\",\"value\":$collect_s,\"unit\":\"s\",\"digits\":2,\"prefix\":\"$bound\",\"note\":\"$(sed 's/"/\\"/g' "$WORK/collect.json" | tr -d '\n')\"}" >> "$RESULTS"
    echo "{\"kind\":\"metric\",\"name\":\"collector: set-based limit (bench/collect_limit.sql), $cm members\",\"value\":$limit_s,\"unit\":\"s\",\"digits\":2,\"note\":\"same invoice lines: $same ($ours)\"}" >> "$RESULTS"
    echo "{\"kind\":\"metric\",\"name\":\"collector ÷ set-based limit (wall time), $cm members\",\"value\":$ratio,\"unit\":\"×\",\"digits\":1,\"prefix\":\"$bound\",\"target\":\"≤ 2\",\"max\":2,\"note\":\"data loaded through the api in ${load_s%.*} s\"}" >> "$RESULTS"
    # where the collector's time goes, per PL/pgSQL function: a second run on a third copy with track_functions = pl
    # (not the timed run: the counting slows every call)
    if [ "$COLLECT_PROFILE" = 1 ]; then
        COLLECT_PROFILE=0   # the first size only
        PURL=$(echo "$URL" | sed "s#/dues?#/${base_db}_profile?#")
        started=$(date +%s.%N)
        "$DUES" --database-url "$PURL" jobs run collect --at "$AT" >/dev/null
        echo "collector with track_functions = pl: $(elapsed $started)s" > "$WORK/collect_functions.txt"
        psql -X -q -At -F ' | ' "$PURL" -c "select funcname, calls, round(total_time)::bigint as total_ms, round(self_time)::bigint as self_ms
                        from pg_stat_user_functions order by self_time desc limit 20" >> "$WORK/collect_functions.txt"
        SQL -c "drop database if exists ${base_db}_profile with (force)" >/dev/null
    fi
    cp "$WORK/collect_functions.txt" "$here/last-collect-functions.txt" 2>/dev/null || true
    SQL -c "drop database if exists ${base_db}_limit with (force)" -c "drop database if exists $base_db with (force)" >/dev/null
}

for size in $COLLECT_SIZES; do
    collect_size "${size%%:*}" "${size##*:}"
done
