//! Background jobs run twice at the same moment, from two connections, as two
//! workers or a worker and cron would: the collector bills each period once,
//! the expirer acts once, and the ledger balances.

mod common;

use common::*;

/// A monthly class (invoiced by the site's organization, the broker) of 30.00 with a 10.00 setup fee, and `n` members subscribed from today.
async fn billing_fixture(db: &FreshDb, n: usize) -> tokio_postgres::Client {
    let c = connect(&db.name).await;
    c.batch_execute(
        "select api.class_create('Membership', 'recurring',
             '{\"period\": \"month\", \"amount\": \"30.00\", \"renewal\": \"auto_renew\", \"setup_fee\": \"10.00\"}');",
    )
    .await
    .unwrap();
    for i in 0..n {
        c.execute(
            "select api.recurring_subscription_start(m.id, (select max(id) from dues.class)) \
               from api.member_create($1, $2) m",
            &[&format!("Member {i}"), &format!("m{i}@example.org")],
        )
        .await
        .unwrap();
    }
    c
}

async fn count(c: &tokio_postgres::Client, sql: &str) -> i64 {
    c.query_one(&format!("select count(*) from ({sql}) x"), &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_collectors_at_once_bill_each_period_once() {
    const MEMBERS: usize = 40;
    let db = FreshDb::migrated("collect");
    let c = billing_fixture(&db, MEMBERS).await;
    let now = "now()";
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let name = db.name.clone();
            tokio::spawn(async move {
                let c = connect(&name).await;
                c.query_one(&format!("select jobs.collect({now})::text"), &[])
                    .await
                    .map(|r| r.get::<_, String>(0))
            })
        })
        .collect();
    for r in runs {
        let summary = r.await.unwrap().expect("a collector run");
        println!("collector: {summary}");
    }
    let invoices = count(&c, "select id from dues.invoice").await;
    let lines = count(&c, "select id from dues.invoice_line").await;
    assert_eq!(invoices, MEMBERS as i64, "one invoice per member");
    assert_eq!(
        lines,
        2 * MEMBERS as i64,
        "the first month and the setup fee, each once"
    );
    // and a third run for the same moment changes nothing
    c.query_one("select jobs.collect(now())", &[])
        .await
        .unwrap();
    assert_eq!(count(&c, "select id from dues.invoice_line").await, lines);
    assert_eq!(
        count(&c, "select * from api.ledger_check()").await,
        0,
        "the ledger balances"
    );
    let due: String = c
        .query_one(
            "select sum(amount_due)::text from api.invoice_list(null, 'open')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        due,
        format!("{}.00", 40 * MEMBERS),
        "every member owes 30.00 + 10.00"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_expirers_at_once_act_once() {
    let db = FreshDb::migrated("expire");
    let c = connect(&db.name).await;
    for i in 0..20 {
        c.execute(
            "select api.membership_join(m.id) from api.member_create($1, $2) m",
            &[&format!("Joiner {i}"), &format!("j{i}@example.org")],
        )
        .await
        .unwrap();
    }
    // pay everyone once, then look 45 days later, when the first reminder is due
    c.batch_execute("select api.register_payment(id, 25.00) from dues.member")
        .await
        .unwrap();
    let at = "now() + interval '45 days'";
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let name = db.name.clone();
            tokio::spawn(async move {
                let c = connect(&name).await;
                c.query_one(&format!("select jobs.expire({at})::text"), &[])
                    .await
                    .map(|r| r.get::<_, String>(0))
            })
        })
        .collect();
    for r in runs {
        println!("expirer: {}", r.await.unwrap().expect("an expirer run"));
    }
    let outbox = count(
        &c,
        "select id from dues.outbox where template = 'membership_reminder'",
    )
    .await;
    c.query_one(&format!("select jobs.expire({at})"), &[])
        .await
        .unwrap();
    assert_eq!(
        count(
            &c,
            "select id from dues.outbox where template = 'membership_reminder'"
        )
        .await,
        outbox,
        "a reminder is queued once however often the expirer runs"
    );
    assert_eq!(
        count(
            &c,
            "select distinct recipient from dues.outbox where template = 'membership_reminder'"
        )
        .await,
        outbox,
        "never twice for one member"
    );
    assert_eq!(count(&c, "select * from api.ledger_check()").await, 0);
}

/// `dues jobs run collect` prints the members a run could not bill (member, code, message) and exits 1; a new database bills
/// a recurring class with nothing set up but the class and the subscription.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_run_prints_a_runs_errors_and_fails() {
    let db = FreshDb::migrated("jobs_errors");
    let c = billing_fixture(&db, 1).await;
    let run = |at: &str| {
        dues()
            .args(["jobs", "run", "collect", "--at", at])
            .env("DATABASE_URL", &db.url)
            .output()
            .expect("run dues")
    };
    let out = run("now");
    assert!(out.status.success(), "{}", text(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (summary["errors"].as_i64(), summary["invoices"].as_i64()),
        (Some(0), Some(1)),
        "{summary}"
    );
    // the broker unregistered since the class was made: its members cannot be invoiced
    c.batch_execute(
        "update dues.provider set broker = false where broker;
         select api.recurring_subscription_start(m.id, (select max(id) from dues.class))
           from api.member_create('Orphan', 'orphan@example.org') m;",
    )
    .await
    .unwrap();
    let out = run("now");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let orphan: i64 = c
        .query_one(
            "select id from dues.member where email = 'orphan@example.org'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        stderr.contains(&format!("error: member {orphan} (Orphan): DUB14 ")),
        "{stderr}"
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["errors"].as_i64(), Some(1), "{summary}");
}
