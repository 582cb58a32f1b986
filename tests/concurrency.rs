//! Members race to confirm and subscribe with the same credit over many
//! connections: no credit is spent twice, no order is closed twice, a
//! replayed payment reference pays once, and the ledger balances; members
//! race for a class's last seats: none is taken twice. Opposite
//! transfers between two members net to zero; many clients paying shared and
//! distinct members at once (processor accounts shared by all) register every
//! acknowledged payment once and leave no member below zero.

mod common;

use common::*;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// A migrated fresh database and a connection to it.
async fn migrated(tag: &str) -> (FreshDb, tokio_postgres::Client) {
    let db = FreshDb::new(tag);
    let out = dues()
        .args(["migrate"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let client = connect(&db.name).await;
    (db, client)
}

/// The rows of api.ledger_check(), as text.
async fn ledger_problems(client: &tokio_postgres::Client) -> Vec<String> {
    client
        .query(
            "select kind || ' ' || object || ': ' || detail from api.ledger_check()",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A new member named `name` who paid `amount` USD; returns its credit account.
async fn member_with_credit(client: &tokio_postgres::Client, name: &str, amount: &str) -> i64 {
    let member: i64 = client
        .query_one(
            "select id from api.member_create($1, $2)",
            &[&name, &format!("{name}@example.org")],
        )
        .await
        .unwrap()
        .get(0);
    client
        .execute(
            "select api.register_payment($1, $2::text::numeric, 'USD')",
            &[&member, &amount],
        )
        .await
        .unwrap();
    client
        .query_one("select dues.member_account($1, 'USD')", &[&member])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn opposite_transfers_between_two_members_net_to_zero() {
    let (db, setup) = migrated("opposite").await;
    let mut accounts = Vec::new();
    for name in ["Ann", "Bob"] {
        // 500.00 each: even if one side ran all its transfers first, no one goes below zero
        accounts.push(member_with_credit(&setup, name, "500.00").await);
    }
    // 2 × 500 transfers of 1.00 at once, one connection each way
    let sides: Vec<_> = [(accounts[0], accounts[1]), (accounts[1], accounts[0])]
        .into_iter()
        .map(|(from, to)| {
            let name = db.name.clone();
            tokio::spawn(async move {
                let client = connect(&name).await;
                for _ in 0..500 {
                    client
                        .execute(
                            "select dues.ledger_transfer($1, $2, 1.00, 'transfer')",
                            &[&from, &to],
                        )
                        .await
                        .unwrap_or_else(|e| panic!("transfer {from} -> {to}: {e}"));
                }
            })
        })
        .collect();
    for side in sides {
        side.await.unwrap();
    }
    for account in &accounts {
        let balance: String = setup
            .query_one("select dues.ledger_balance($1)::text", &[account])
            .await
            .unwrap()
            .get(0);
        assert_eq!(
            balance, "500.00",
            "account {account}: the transfers net to zero"
        );
    }
    let transfers: i64 = setup
        .query_one(
            "select count(*) from dues.ledger_transaction where kind = 'transfer'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(transfers, 1000, "every transfer recorded once");
    let problems = ledger_problems(&setup).await;
    assert!(problems.is_empty(), "the ledger balances: {problems:?}");
}

/// A shared account (no stored balance: its balance is the sum of its postings) that may not go below zero is
/// checked under its lock against what was committed while its poster waited: two refunds of 6.00 out of a class's
/// revenue of 10.00, the second waiting for the first's lock, and the second is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_shared_account_is_checked_after_the_lock_it_waited_for() {
    let (db, setup) = migrated("shared_sign").await;
    let class: i64 = setup
        .query_one(
            "select id from api.class_create('Pottery', 'single_payment', '{\"price\": \"25.00\"}')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let revenue: i64 = setup
        .query_one("select dues.class_account($1)", &[&class])
        .await
        .unwrap()
        .get(0);
    let mut members = Vec::new();
    for name in ["Ann", "Bob"] {
        let account = member_with_credit(&setup, name, "5.00").await;
        // 5.00 of each member's credit becomes the class's revenue: 10.00 in all
        setup
            .execute(
                "select dues.ledger_transfer($1, $2, 5.00, 'transfer')",
                &[&account, &revenue],
            )
            .await
            .unwrap();
        members.push(account);
    }
    let first = connect(&db.name).await;
    first.batch_execute("begin").await.unwrap();
    // dues.ledger_post itself, as a cancellation's refund or a void posts (dues.ledger_transfer locks before it)
    first
        .execute(
            "select dues.ledger_post('refund', 'refund', array[$1, $2]::bigint[], array[-6.00, 6.00])",
            &[&revenue, &members[0]],
        )
        .await
        .unwrap();
    let second_pid: i32;
    let second = {
        let client = connect(&db.name).await;
        second_pid = client
            .query_one("select pg_backend_pid()", &[])
            .await
            .unwrap()
            .get(0);
        let (revenue, to) = (revenue, members[1]);
        tokio::spawn(async move {
            client
                .execute(
                    "select dues.ledger_post('refund', 'refund', array[$1, $2]::bigint[], array[-6.00, 6.00])",
                    &[&revenue, &to],
                )
                .await
                .map_err(|e| e.as_db_error().map(|d| d.code().code().to_string()))
        })
    };
    // the second waits for the revenue account's lock, held by the first
    let started = Instant::now();
    loop {
        let waiting: bool = setup
            .query_one(
                "select coalesce((select wait_event_type = 'Lock' from pg_stat_activity where pid = $1), false)",
                &[&second_pid],
            )
            .await
            .unwrap()
            .get(0);
        if waiting {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the second refund never waited for the account's lock"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.batch_execute("commit").await.unwrap();
    let refused = second.await.unwrap();
    assert_eq!(
        refused,
        Err(Some("DU030".to_string())),
        "the second refund would take the revenue below zero"
    );
    let balance: String = setup
        .query_one("select dues.ledger_balance($1)::text", &[&revenue])
        .await
        .unwrap()
        .get(0);
    assert_eq!(balance, "4.00", "one refund taken out of the revenue");
    let problems = ledger_problems(&setup).await;
    assert!(problems.is_empty(), "the ledger balances: {problems:?}");
}

const PAYING_CLIENTS: usize = 64;
const SHARED_MEMBERS: usize = 10;
const DISTINCT_MEMBERS: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clients_paying_shared_and_distinct_members_register_each_payment_once() {
    let (db, setup) = migrated("paying").await;
    let members: Vec<i64> = setup
        .query(
            "select (api.member_create('Payer ' || i, 'payer' || i || '@example.org')).id \
               from generate_series(1, $1::int) i order by 1",
            &[&((SHARED_MEMBERS + DISTINCT_MEMBERS) as i32)],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let shared: Vec<i64> = members[..SHARED_MEMBERS].to_vec();
    let distinct: Vec<i64> = members[SHARED_MEMBERS..].to_vec();

    // the same bank reference from every client at once registers once
    let duplicates: Vec<_> = (0..PAYING_CLIENTS)
        .map(|_| {
            let (name, member) = (db.name.clone(), shared[0]);
            tokio::spawn(async move {
                let client = connect(&name).await;
                client
                    .query_one(
                        "select id from api.register_payment($1, 3.00, 'USD', 'bank_transfer', 'the-same-ref')",
                        &[&member],
                    )
                    .await
                    .unwrap()
                    .get::<_, i64>(0)
            })
        })
        .collect();
    let mut duplicate_ids = HashSet::new();
    for d in duplicates {
        duplicate_ids.insert(d.await.unwrap());
    }
    assert_eq!(
        duplicate_ids.len(),
        1,
        "{PAYING_CLIENTS} concurrent duplicates: one payment"
    );

    // 64 clients for 10 s: every other payment to one of 10 shared members, the others each to its own member
    // (client c pays distinct members c, c + 64, …), all through the processor accounts every payment shares
    let deadline = Instant::now() + Duration::from_secs(10);
    let clients: Vec<_> = (0..PAYING_CLIENTS)
        .map(|c| {
            let name = db.name.clone();
            let shared = shared.clone();
            let mine: Vec<i64> = distinct.iter().skip(c).step_by(PAYING_CLIENTS).copied().collect();
            tokio::spawn(async move {
                let client = connect(&name).await;
                let mut acknowledged: Vec<(String, i64, i64, String)> = Vec::new(); // (ref, payment, member, amount)
                let mut n = 0usize;
                while Instant::now() < deadline {
                    n += 1;
                    let member = if n.is_multiple_of(2) {
                        shared[(c + n) % shared.len()]
                    } else {
                        mine[(n / 2) % mine.len()]
                    };
                    let amount = format!("{}.{:02}", 1 + n % 7, (c * 7 + n) % 100);
                    let reference = format!("pay-{c}-{n}");
                    let method = if n.is_multiple_of(3) { "bank_transfer" } else { "cash" };
                    let row = client
                        .query_one(
                            "select id from api.register_payment($1, $2::text::numeric, 'USD', $3, $4)",
                            &[&member, &amount, &method, &reference],
                        )
                        .await
                        .unwrap_or_else(|e| panic!("payment {reference}: {e}"));
                    acknowledged.push((format!("{method} {reference}"), row.get(0), member, amount));
                    if n.is_multiple_of(10) {
                        // a refused payment changes nothing
                        let refused = client
                            .query_one("select id from api.register_payment($1, 0, 'USD', 'cash')", &[&member])
                            .await
                            .expect_err("a payment of 0 is refused");
                        assert_eq!(refused.code().map(|c| c.code()), Some("DU020"), "{refused}");
                    }
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    for c in clients {
        acknowledged.extend(c.await.unwrap());
    }
    println!(
        "{} payments acknowledged in 10 s by {PAYING_CLIENTS} clients",
        acknowledged.len()
    );

    let stored: HashMap<String, (i64, i64, String)> = setup
        .query(
            "select method || ' ' || external_ref, id, member_id, amount::text from dues.payment where external_ref like 'pay-%'",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
        .collect();
    assert_eq!(
        stored.len(),
        acknowledged.len(),
        "as many payments stored as acknowledged"
    );
    let mut expected: HashMap<i64, f64> = HashMap::new();
    for (reference, id, member, amount) in &acknowledged {
        assert_eq!(
            stored.get(reference),
            Some(&(*id, *member, amount.clone())),
            "payment {reference} stored once, as acknowledged"
        );
        *expected.entry(*member).or_default() += amount.parse::<f64>().unwrap();
    }
    *expected.entry(shared[0]).or_default() += 3.0;
    let balances = setup
        .query(
            "select a.member_id, a.balance::float8 from dues.ledger_account a where a.member_id is not null",
            &[],
        )
        .await
        .unwrap();
    for row in &balances {
        let (member, balance): (i64, f64) = (row.get(0), row.get(1));
        assert!(balance >= 0.0, "member {member} below zero: {balance}");
        let want = expected.get(&member).copied().unwrap_or(0.0);
        assert!(
            (balance - want).abs() < 0.005,
            "member {member}: {balance}, paid {want}"
        );
    }
    let problems = ledger_problems(&setup).await;
    assert!(problems.is_empty(), "the ledger balances: {problems:?}");
}

const MEMBERS: usize = 10;
const ORDERS_PER_MEMBER: usize = 4;
const CONNECTIONS: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_credit_is_spent_twice_and_no_order_closed_twice() {
    let (db, setup) = migrated("race").await;
    // one class per order of a member: a member holds one subscription of a class for any day (DU704), so its orders
    // race for its credit, not for the class's days
    let mut classes: Vec<i64> = Vec::new();
    for k in 0..ORDERS_PER_MEMBER {
        classes.push(
            setup
                .query_one(
                    "select id from api.class_create($1, 'single_payment', '{\"price\": \"10.00\"}')",
                    &[&format!("Race {k}")],
                )
                .await
                .unwrap()
                .get(0),
        );
    }
    let mut orders: Vec<(i64, i64)> = Vec::new(); // (order, member)
    for m in 0..MEMBERS {
        let member: i64 = setup
            .query_one(
                "select id from api.member_create($1, $2)",
                &[&format!("Racer {m}"), &format!("racer{m}@example.org")],
            )
            .await
            .unwrap()
            .get(0);
        for class in &classes {
            let order: i64 = setup
                .query_one(
                    "select id from api.class_subscription_request($1, $2)",
                    &[&member, class],
                )
                .await
                .unwrap()
                .get(0);
            orders.push((order, member));
        }
    }

    // every member pays 10.00 once: the same bank reference sent by several connections at once
    let mut payers = Vec::new();
    for c in 0..CONNECTIONS {
        let name = db.name.clone();
        let members: Vec<i64> = orders
            .iter()
            .step_by(ORDERS_PER_MEMBER)
            .map(|(_, m)| *m)
            .collect();
        payers.push(tokio::spawn(async move {
            let client = connect(&name).await;
            let mut ids = Vec::new();
            for (i, m) in members.iter().enumerate().cycle().skip(c).take(members.len()) {
                let row = client
                    .query_one(
                        "select id from api.register_payment($1, 10.00, 'USD', 'bank_transfer', $2)",
                        &[m, &format!("ref-{i}")],
                    )
                    .await
                    .unwrap();
                ids.push((i, row.get::<_, i64>(0)));
            }
            ids
        }));
    }
    let mut payment_of: HashMap<usize, i64> = HashMap::new();
    for p in payers {
        for (i, id) in p.await.unwrap() {
            assert_eq!(
                *payment_of.entry(i).or_insert(id),
                id,
                "a replayed reference returns the first payment"
            );
        }
    }

    // every connection tries to confirm and subscribe every order, each starting elsewhere
    let mut racers = Vec::new();
    for c in 0..CONNECTIONS {
        let name = db.name.clone();
        let mine: Vec<i64> = orders
            .iter()
            .cycle()
            .skip(c * 7)
            .take(orders.len())
            .map(|(o, _)| *o)
            .collect();
        racers.push(tokio::spawn(async move {
            let client = connect(&name).await;
            let mut closed = Vec::new();
            let mut refusals: HashMap<String, usize> = HashMap::new();
            for order in mine {
                for step in ["order_confirm", "class_subscription_confirm"] {
                    match client
                        .query_one(&format!("select 1 from api.{step}($1)"), &[&order])
                        .await
                    {
                        Ok(_) => {
                            if step == "class_subscription_confirm" {
                                closed.push(order);
                            }
                        }
                        Err(e) => {
                            let code = e
                                .code()
                                .map(|c| c.code().to_string())
                                .unwrap_or_else(|| e.to_string());
                            *refusals.entry(code).or_insert(0) += 1;
                            break;
                        }
                    }
                }
            }
            (closed, refusals)
        }));
    }
    let mut closed_by: HashMap<i64, usize> = HashMap::new();
    let mut refusals: HashMap<String, usize> = HashMap::new();
    for r in racers {
        let (closed, refused) = r.await.unwrap();
        for o in closed {
            *closed_by.entry(o).or_insert(0) += 1;
        }
        for (code, n) in refused {
            *refusals.entry(code).or_insert(0) += n;
        }
    }
    println!(
        "closed orders: {}, refusals by SQLSTATE: {refusals:?}",
        closed_by.len()
    );
    assert!(
        closed_by.values().all(|&n| n == 1),
        "an order was closed twice: {closed_by:?}"
    );
    assert!(
        refusals.keys().all(|c| c == "DU030" || c == "DU031"),
        "only 'insufficient credit' and 'wrong state' may refuse: {refusals:?}"
    );

    let check = connect(&db.name).await;
    let per_member = check
        .query(
            "select o.member_id, count(*) filter (where o.state = 'closed'), count(s.id) \
               from dues.subscription_order o left join dues.class_subscription s on s.order_id = o.id \
              group by o.member_id",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(per_member.len(), MEMBERS);
    for row in per_member {
        let (member, closed, subscriptions): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        let balance: Option<String> = check
            .query_one(
                "select balance::text from api.member_balance($1)",
                &[&member],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(
            closed, 1,
            "member {member}: its 10.00 pays exactly one order"
        );
        assert_eq!(subscriptions, 1, "member {member}: one subscription");
        assert_eq!(
            balance.as_deref(),
            Some("0.00"),
            "member {member}: credit spent once, never below zero"
        );
    }
    assert_eq!(closed_by.len(), MEMBERS);
    let payments: i64 = check
        .query_one("select count(*) from dues.payment", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(payments, MEMBERS as i64, "each reference paid once");
    let problems = check
        .query("select * from api.ledger_check()", &[])
        .await
        .unwrap();
    assert!(
        problems.is_empty(),
        "the ledger balances: {} problem(s)",
        problems.len()
    );
}

/// Members race for the last seats of a class over many connections: exactly as many orders are confirmed as there
/// are seats, the others are refused with DU705 (no seat free): the class's seats lock serialises the counting.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_seat_is_taken_twice() {
    const SEATS: i64 = 3;
    const RACERS: usize = 12;
    let db = FreshDb::migrated("seats");
    let setup = connect(&db.name).await;
    let class: i64 = setup
        .query_one(
            "select id from api.class_create('Seats', 'single_payment', '{\"price\": \"5.00\", \"seats\": 3}')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let mut orders: Vec<i64> = Vec::new();
    for m in 0..RACERS {
        let member: i64 = setup
            .query_one(
                "select id from api.member_create($1, $2)",
                &[&format!("Seater {m}"), &format!("seater{m}@example.org")],
            )
            .await
            .unwrap()
            .get(0);
        setup
            .query_one("select api.register_payment($1, 5.00, 'USD')", &[&member])
            .await
            .unwrap();
        orders.push(
            setup
                .query_one(
                    "select id from api.class_subscription_request($1, $2)",
                    &[&member, &class],
                )
                .await
                .unwrap()
                .get(0),
        );
    }

    let outcomes = confirm_side_by_side(&db.name, orders).await;
    assert_eq!(
        outcomes,
        HashMap::from([
            ("confirmed".to_string(), SEATS),
            ("DU705".to_string(), RACERS as i64 - SEATS)
        ]),
        "as many confirmed orders as seats, the others refused"
    );
    let taken: i64 = setup
        .query_one(
            "select count(*) from dues.subscription_order where class_id = $1 and state = 'confirmed'",
            &[&class],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(taken, SEATS, "the database agrees");
}

/// Members race for the last uses of a discount code over many connections: every order opened with it takes it (an
/// opened order uses nothing up), and exactly max_uses of them are confirmed, the others refused with DU722 (used up):
/// the discount's row is locked before its confirmed orders are counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_discount_use_is_taken_twice() {
    const USES: i64 = 2;
    const RACERS: usize = 10;
    let db = FreshDb::migrated("discount_uses");
    let setup = connect(&db.name).await;
    let class: i64 = setup
        .query_one(
            "select id from api.class_create('Discounted', 'single_payment', '{\"price\": \"20.00\"}')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    setup
        .query_one(
            "select id from api.discount_create('LASTONES', percent => 50, max_uses => 2)",
            &[],
        )
        .await
        .unwrap();
    let mut orders: Vec<i64> = Vec::new();
    for m in 0..RACERS {
        let member: i64 = setup
            .query_one(
                "select id from api.member_create($1, $2)",
                &[&format!("Bargain {m}"), &format!("bargain{m}@example.org")],
            )
            .await
            .unwrap()
            .get(0);
        setup
            .query_one("select api.register_payment($1, 10.00, 'USD')", &[&member])
            .await
            .unwrap();
        let row = setup
            .query_one(
                "select id, amount::text from api.class_subscription_request($1, $2, discount_code => 'lastones')",
                &[&member, &class],
            )
            .await
            .unwrap();
        assert_eq!(
            row.get::<_, String>(1),
            "10.00",
            "every order opens at half price"
        );
        orders.push(row.get(0));
    }

    let outcomes = confirm_side_by_side(&db.name, orders).await;
    assert_eq!(
        outcomes,
        HashMap::from([
            ("confirmed".to_string(), USES),
            ("DU722".to_string(), RACERS as i64 - USES)
        ]),
        "as many confirmed orders at half price as the code has uses, the others refused"
    );
    let uses: i64 = setup
        .query_one(
            "select uses from api.discount_list() where code = 'LASTONES'",
            &[],
        )
        .await
        .unwrap()
        .get::<_, i32>(0)
        .into();
    assert_eq!(uses, USES, "the database agrees");
}

/// Confirms every order at once, each over a connection of its own; counts the outcomes: "confirmed" or the SQLSTATE
/// of the refusal.
async fn confirm_side_by_side(name: &str, orders: Vec<i64>) -> HashMap<String, i64> {
    let mut racers = Vec::new();
    for order in orders {
        let name = name.to_string();
        racers.push(tokio::spawn(async move {
            let client = connect(&name).await;
            match client
                .query_one("select 1 from api.order_confirm($1)", &[&order])
                .await
            {
                Ok(_) => "confirmed".to_string(),
                Err(e) => e
                    .code()
                    .map(|c| c.code().to_string())
                    .unwrap_or_else(|| e.to_string()),
            }
        }));
    }
    let mut outcomes: HashMap<String, i64> = HashMap::new();
    for r in racers {
        *outcomes.entry(r.await.unwrap()).or_insert(0) += 1;
    }
    outcomes
}
