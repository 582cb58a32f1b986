//! The pages, in a real browser: headless Chromium driven over WebDriver
//! (chromedriver) against `dues serve`. Without chromium and chromedriver the
//! browser test is skipped, but fails under `CI=true`. On a failure, every
//! page the test visited is written as screenshots at 360 and 1280 px wide
//! under target/web-screenshots/ (also on success when
//! `DUES_WEB_SCREENSHOTS=1`). Besides: the assets' caching and compression,
//! the security headers, the session cookie, and the cross-site refusal
//! over plain HTTP.

mod common;

use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type Result<T = ()> = std::result::Result<T, String>;

fn err<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

// ---------------------------------------------------------------- over HTTP

#[test]
fn the_first_page_is_html_cached_compressed_and_small() {
    let server = Server::start("web_assets");
    let page = get(&server.addr, "/", None);
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page
        .body
        .contains("<script type=\"module\" src=\"/js/main.js\">"));
    let etag = page.header("etag").expect("an ETag").to_string();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "a strong ETag: {etag}"
    );
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    // the same ETag: 304, no body
    let again = request(
        &server.addr,
        "GET",
        "/",
        None,
        None,
        &[("If-None-Match", &etag)],
    );
    assert_eq!(again.status, 304, "{again:?}");
    assert!(again.body.is_empty());
    // the links of the e-mails open the same document
    assert_eq!(
        get(&server.addr, "/signin?email=a%40b.org&code=123456", None).header("etag"),
        Some(etag.as_str())
    );
    assert_eq!(get(&server.addr, "/nothing-here.js", None).status, 404);

    // every file the first page loads, gzipped as a browser asks: under 150 KB in all
    let files = [
        "/",
        "/app.css",
        "/favicon.svg",
        "/js/main.js",
        "/js/lib.js",
        "/js/member.js",
        "/js/staff.js",
        "/js/reports.js",
        "/js/params.js",
        "/js/account.js",
        "/js/console.js",
    ];
    let mut total = 0;
    for f in files {
        let r = raw_bytes(&server.addr, f, &[("Accept-Encoding", "gzip, deflate, br")]);
        assert_eq!(r.0, 200, "{f}");
        if f != "/favicon.svg" {
            assert!(
                r.1.iter()
                    .any(|(k, v)| k == "content-encoding" && v == "gzip"),
                "{f} is gzipped: {:?}",
                r.1
            );
        }
        total += r.2;
    }
    println!("first page: {total} bytes over the wire, gzipped");
    assert!(total < 150_000, "the first page weighs {total} bytes");
    // without Accept-Encoding: the file as it is
    let plain = raw_bytes(&server.addr, "/js/lib.js", &[]);
    assert!(!plain.1.iter().any(|(k, _)| k == "content-encoding"));
    assert!(String::from_utf8_lossy(&plain.3).contains("export function call"));
}

/// GET path with headers: (status, lower-cased headers, body bytes on the wire, body).
fn raw_bytes(
    addr: &str,
    path: &str,
    extra: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, usize, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, buf.len() - split, buf[split..].to_vec())
}

#[test]
fn the_session_cookie_is_refused_from_another_site() {
    let server = Server::start("web_cross_site");
    let member = server.dues(&["call", "member_create", "name=Ann", "email=ann@example.org"]);
    assert!(member.status.success(), "{}", text(&member));
    let ann =
        serde_json::from_slice::<serde_json::Value>(&member.stdout).unwrap()["id"].to_string();
    // a session as the pages get it: the code from the outbox for the cookie
    let sent = post(
        &server.addr,
        "signin_request",
        None,
        r#"{"email":"ann@example.org"}"#,
    );
    assert_eq!(sent.status, 200, "{sent:?}");
    let code = query_value(
        &server.db.url,
        "select data->>'code' from dues.outbox where template = 'signin_code' order by id desc limit 1",
    );
    let origin = format!("http://{}", server.addr);
    let body = format!(r#"{{"email":"ann@example.org","code":"{code}"}}"#);
    // from another site, even signing in is refused
    let refused = request(
        &server.addr,
        "POST",
        "/session",
        None,
        Some(&body),
        &[("Origin", "https://evil.example")],
    );
    assert_eq!(
        (refused.status, refused.json()["code"].as_str()),
        (403, Some("DU510")),
        "{refused:?}"
    );
    let signed = request(
        &server.addr,
        "POST",
        "/session",
        None,
        Some(&body),
        &[("Origin", &origin), ("Sec-Fetch-Site", "same-origin")],
    );
    assert_eq!(signed.status, 200, "{signed:?}");
    assert!(
        !signed.body.contains("token"),
        "the token stays out of the page's reach: {}",
        signed.body
    );
    assert_eq!(signed.json()["role"], "member");
    let set_cookie = signed.header("set-cookie").expect("the cookie").to_string();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(flag), "{set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP without a trusted proxy: {set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_string();

    // the pages' own calls carry the cookie
    let mine = request(
        &server.addr,
        "POST",
        "/rpc/member_get",
        None,
        Some(&format!(r#"{{"member_id":{ann}}}"#)),
        &[
            ("Cookie", &cookie),
            ("Sec-Fetch-Site", "same-origin"),
            ("Origin", &origin),
        ],
    );
    assert_eq!(mine.status, 200, "{mine:?}");
    assert_eq!(mine.json()["name"], "Ann");

    // a cross-site form post carrying the cookie: refused before anything is called
    let form = "name=Mallory";
    for headers in [
        vec![
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        vec![("Origin", "https://evil.example")],
        vec![("Sec-Fetch-Site", "same-site")],
        vec![],
    ] {
        let mut h = vec![
            ("Cookie", cookie.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        h.extend(headers.iter().copied());
        let r = request(
            &server.addr,
            "POST",
            &format!("/rpc/member_update?member_id={ann}"),
            None,
            Some(form),
            &h,
        );
        assert_eq!(
            (r.status, r.json()["code"].as_str()),
            (403, Some("DU510")),
            "{headers:?}: {r:?}"
        );
        // even as JSON
        let mut h = vec![("Cookie", cookie.as_str())];
        h.extend(headers.iter().copied());
        let r = request(
            &server.addr,
            "POST",
            "/rpc/member_update",
            None,
            Some(&format!(r#"{{"member_id":{ann},"name":"Mallory"}}"#)),
            &h,
        );
        assert_eq!(r.status, 403, "{headers:?}: {r:?}");
    }
    assert_eq!(
        query_value(
            &server.db.url,
            &format!("select name from dues.member where id = {ann}")
        ),
        "Ann"
    );

    // /openapi.json opened from the address bar with the cookie: the anonymous document, not a refusal
    let doc = request(
        &server.addr,
        "GET",
        "/openapi.json",
        None,
        None,
        &[("Cookie", &cookie), ("Sec-Fetch-Site", "none")],
    );
    assert_eq!(doc.status, 200, "{doc:?}");
    assert!(
        doc.json()["paths"]["/rpc/member_get"].is_null(),
        "the anonymous document"
    );
    let doc = request(
        &server.addr,
        "GET",
        "/openapi.json",
        None,
        None,
        &[("Cookie", &cookie), ("Sec-Fetch-Site", "same-origin")],
    );
    assert!(
        doc.json()["paths"]["/rpc/member_get"].is_object(),
        "the member's document"
    );

    // who the session is; sign-out ends the token and clears the cookie
    let same = [
        ("Cookie", cookie.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    let who = request(&server.addr, "GET", "/session", None, None, &same);
    assert_eq!(who.json()["member_id"].to_string(), ann, "{who:?}");
    let out = request(
        &server.addr,
        "POST",
        "/session/end",
        None,
        Some("{}"),
        &same,
    );
    assert_eq!(out.status, 204, "{out:?}");
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    let after = request(
        &server.addr,
        "POST",
        "/rpc/member_get",
        None,
        Some(&format!(r#"{{"member_id":{ann}}}"#)),
        &same,
    );
    assert_eq!(after.status, 401, "the token is revoked: {after:?}");
    let who = request(&server.addr, "GET", "/session", None, None, &same);
    assert!(who.json()["member_id"].is_null(), "{who:?}");
}

#[test]
fn a_trusted_proxy_makes_the_cookie_secure() {
    let server = Server::start_with("web_proxy", &["--trusted-proxy"], None);
    server.dues(&["call", "member_create", "name=Ann", "email=ann@example.org"]);
    post(
        &server.addr,
        "signin_request",
        None,
        r#"{"email":"ann@example.org"}"#,
    );
    let code = query_value(
        &server.db.url,
        "select data->>'code' from dues.outbox where template = 'signin_code' order by id desc limit 1",
    );
    let body = format!(r#"{{"email":"ann@example.org","code":"{code}"}}"#);
    let r = request(
        &server.addr,
        "POST",
        "/session",
        None,
        Some(&body),
        &[
            ("Sec-Fetch-Site", "same-origin"),
            ("X-Forwarded-Proto", "https"),
        ],
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.header("set-cookie").unwrap().contains("; Secure"),
        "{r:?}"
    );
}

// ---------------------------------------------------------------- in a browser

/// chromedriver on a free port, and the WebDriver session it drives.
struct Browser {
    driver: Child,
    client: Client,
    /// The pages visited, for the screenshots of a failure.
    visited: Vec<String>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .chain([
                PathBuf::from("/usr/bin"),
                PathBuf::from("/usr/lib/chromium"),
            ])
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// The browser, or None when chromium or chromedriver is missing (a failure under CI=true).
async fn browser() -> Option<Browser> {
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find_program(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        let ci = std::env::var("CI").map(|v| v == "true").unwrap_or(false);
        assert!(!ci, "CI=true and chromium or chromedriver is missing (Debian: apt-get install chromium chromium-driver)");
        eprintln!("skipped: chromium or chromedriver is missing (Debian: apt-get install chromium chromium-driver)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log =
        std::fs::File::create(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("chromedriver.log"))
            .unwrap();
    let child = Command::new(&driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--disable-extensions", "--no-first-run"],
        }),
    );
    let started = Instant::now();
    let client = loop {
        let mut b = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        b.capabilities(caps.clone());
        match b.connect(&url).await {
            Ok(c) => break c,
            Err(e) if started.elapsed() < Duration::from_secs(30) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("chromedriver at {url}: {e}"),
        }
    };
    Some(Browser {
        driver: child,
        client,
        visited: Vec::new(),
    })
}

impl Browser {
    async fn goto(&mut self, url: &str) -> Result {
        self.client.goto(url).await.map_err(err(url))?;
        self.remember().await;
        Ok(())
    }

    async fn remember(&mut self) {
        if let Ok(u) = self.client.current_url().await {
            let u = u.to_string();
            if !self.visited.contains(&u) {
                self.visited.push(u);
            }
        }
    }

    /// Waits until `css` is on the page.
    async fn wait_for(&mut self, css: &str) -> Result<fantoccini::elements::Element> {
        let e = self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .map_err(err(css))?;
        self.remember().await;
        Ok(e)
    }

    /// Waits until the text of `main` contains `text`; answers that text.
    async fn wait_text(&mut self, text: &str) -> Result<String> {
        let started = Instant::now();
        loop {
            let now = self.main_text().await?;
            if now.contains(text) {
                self.remember().await;
                return Ok(now);
            }
            if started.elapsed() > Duration::from_secs(15) {
                return Err(format!("{text:?} never showed; the page says:\n{now}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn main_text(&self) -> Result<String> {
        let v = self
            .client
            .execute(
                "const m = document.querySelector('main'); return m ? m.innerText : '';",
                vec![],
            )
            .await
            .map_err(err("main text"))?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Fills the input `css` with `value`; found again when the page redrew it
    /// between finding and typing (a stale element).
    async fn fill(&mut self, css: &str, value: &str) -> Result {
        let started = Instant::now();
        loop {
            let e = self.wait_for(css).await?;
            let done = match e.clear().await {
                Ok(()) => e.send_keys(value).await,
                Err(x) => Err(x),
            };
            match done {
                Err(x) if is_stale(&x) && started.elapsed() < Duration::from_secs(15) => continue,
                other => return other.map_err(err(css)),
            }
        }
    }

    /// Clicks `css`; found again when the page redrew it (a stale element).
    async fn click(&mut self, css: &str) -> Result {
        let started = Instant::now();
        loop {
            let e = self.wait_for(css).await?;
            match e.click().await {
                Err(x) if is_stale(&x) && started.elapsed() < Duration::from_secs(15) => continue,
                other => return other.map_err(err(css)),
            }
        }
    }

    /// Chooses the option of a select by its value (and tells the page).
    async fn select(&mut self, css: &str, value: &str) -> Result {
        self.wait_for(css).await?;
        self.client
            .execute(
                "const s = document.querySelector(arguments[0]); s.value = arguments[1]; \
                 s.dispatchEvent(new Event('change')); return s.value;",
                vec![css.into(), value.into()],
            )
            .await
            .map_err(err(css))?;
        Ok(())
    }

    /// Waits until `css` is no longer on the page (the page redrew without it).
    async fn gone(&mut self, css: &str) -> Result {
        let started = Instant::now();
        loop {
            let there = self
                .client
                .execute(
                    "return document.querySelector(arguments[0]) !== null",
                    vec![css.into()],
                )
                .await
                .map_err(err(css))?;
            if there == serde_json::Value::Bool(false) {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(15) {
                return Err(format!(
                    "{css} stayed; the page says:\n{}",
                    self.main_text().await?
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sets the value of the input `css` (a date input, whose typing depends on the browser's locale).
    async fn set_value(&mut self, css: &str, value: &str) -> Result {
        self.wait_for(css).await?;
        self.client
            .execute(
                "document.querySelector(arguments[0]).value = arguments[1]; return true;",
                vec![css.into(), value.into()],
            )
            .await
            .map_err(err(css))?;
        Ok(())
    }

    /// Opens the collapsed section (details) holding the element `css`.
    async fn open_details(&mut self, css: &str) -> Result {
        self.wait_for(css).await?;
        self.client
            .execute(
                "const d = document.querySelector(arguments[0]).closest('details'); d.open = true; return true;",
                vec![css.into()],
            )
            .await
            .map_err(err(css))?;
        Ok(())
    }

    /// Clicks the link or button whose text is `text`.
    async fn click_text(&mut self, text: &str) -> Result {
        let xpath = format!(
            "//main//*[self::a or self::button or self::summary][normalize-space(.)='{text}']"
        );
        let started = Instant::now();
        loop {
            let e = self
                .client
                .wait()
                .at_most(Duration::from_secs(15))
                .for_element(Locator::XPath(&xpath))
                .await
                .map_err(err(text))?;
            match e.click().await {
                Err(x) if is_stale(&x) && started.elapsed() < Duration::from_secs(15) => continue,
                other => return other.map_err(err(text)),
            }
        }
    }

    /// Every page visited, at 360 and 1280 px wide, under target/web-screenshots/.
    async fn screenshots(&mut self, tag: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/web-screenshots");
        let _ = std::fs::create_dir_all(&dir);
        let pages = self.visited.clone();
        for (i, url) in pages.iter().enumerate() {
            for width in [360u32, 1280] {
                let _ = self.client.set_window_size(width, 900).await;
                if self.client.goto(url).await.is_err() {
                    continue;
                }
                tokio::time::sleep(Duration::from_millis(600)).await;
                let height = self
                    .client
                    .execute("return document.documentElement.scrollHeight", vec![])
                    .await
                    .ok()
                    .and_then(|v| v.as_u64())
                    .unwrap_or(900)
                    .clamp(600, 6000) as u32;
                let _ = self.client.set_window_size(width, height + 100).await;
                if let Ok(png) = self.client.screenshot().await {
                    let name: String = url
                        .split_once('#')
                        .map(|(_, h)| h)
                        .unwrap_or("home")
                        .chars()
                        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                        .collect();
                    let file = dir.join(format!("{tag}-{i:02}-{name}-{width}.png"));
                    let _ = std::fs::write(&file, png);
                }
            }
        }
        let _ = self.client.set_window_size(1280, 900).await;
        eprintln!(
            "screenshots of {} pages under {}",
            pages.len(),
            dir.display()
        );
    }
}

/// What the scenarios share: the server, its addresses, the people.
struct Site {
    server: Server,
    base: String,
}

impl Site {
    fn dues(&self, args: &[&str]) -> serde_json::Value {
        let out = self.server.dues(args);
        assert!(out.status.success(), "dues {args:?}: {}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    }

    /// The newest sign-in code sent to an address (read from the outbox, as the member reads the e-mail).
    fn code(&self, email: &str) -> String {
        query_value(
            &self.server.db.url,
            &format!(
                "select data->>'code' from dues.outbox where template in ('signin_code', 'application_code') and recipient = '{email}' \
                 order by id desc limit 1"
            ),
        )
    }
}

async fn sign_in(b: &mut Browser, site: &Site, email: &str) -> Result {
    b.goto(&format!("{}/#/signin", site.base)).await?;
    b.fill("#signin-form input[name=email]", email).await?;
    b.click("#signin-form button[type=submit]").await?;
    b.wait_for("#code-form").await?;
    let code = site.code(email);
    b.fill("#code-form input[name=code]", &code).await?;
    b.click("#code-form button[type=submit]").await?;
    b.wait_for("#signout").await?;
    Ok(())
}

async fn sign_out(b: &mut Browser) -> Result {
    b.click("#signout").await?;
    b.wait_text("Sign in").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_and_staff_pages_in_a_browser() {
    let Some(mut b) = browser().await else {
        return;
    };
    let server = Server::start("web_browser");
    let base = format!("http://{}", server.addr);
    let site = Site { server, base };
    let result = scenarios(&mut b, &site).await;
    let always = std::env::var("DUES_WEB_SCREENSHOTS").is_ok_and(|v| v == "1");
    if result.is_err() || always {
        b.screenshots(if result.is_err() { "failed" } else { "page" })
            .await;
    }
    let client = b.client.clone();
    let _ = client.close().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

async fn scenarios(b: &mut Browser, site: &Site) -> Result {
    // staff: a member of group staff; a single-payment class
    let tess = site.dues(&[
        "call",
        "member_create",
        "name=Tess Treasurer",
        "email=tess@example.org",
    ])["id"]
        .to_string();
    let staff_group = query_value(
        &site.server.db.url,
        "select id from dues.\"group\" where key = 'staff'",
    );
    site.dues(&[
        "call",
        "group_add",
        &format!("member_id={tess}"),
        &format!("group_id={staff_group}"),
    ]);
    let pottery = site.dues(&[
        "call",
        "class_create",
        "--json",
        r#"{"title":"Pottery","rule":"single_payment","params":{"price":"25.00"}}"#,
    ]);
    let pottery_id = pottery["id"].to_string();

    let ann = member_subscribes_and_pays(b, site, &pottery_id).await?;
    others_are_refused(b, site, &tess, &ann).await?;
    staff_bills_a_recurring_class(b, site, &ann).await?;
    staff_makes_a_token_and_changes_a_rule(b, site, &ann).await?;
    staff_creates_and_ends_a_discount(b, site).await?;
    a_storage_renewal_asked_and_decided(b, site, &ann).await
}

/// A member applies, signs in with the code of the e-mail, subscribes to a single-payment class through the generated
/// form and sees what to pay; staff registers the payment in the console; the member confirms and is a student.
/// Answers the member's id.
async fn member_subscribes_and_pays(
    b: &mut Browser,
    site: &Site,
    pottery_id: &str,
) -> Result<String> {
    // a member applies and signs in with the code of the e-mail
    b.goto(&format!("{}/#/apply", site.base)).await?;
    b.fill("#apply-form input[name=name]", "Ann Archer").await?;
    b.fill("#apply-form input[name=email]", "ann@example.org")
        .await?;
    b.click("#apply-form button[type=submit]").await?;
    b.wait_for("#code-form").await?;
    let code = site.code("ann@example.org");
    b.fill("#code-form input[name=code]", &code).await?;
    b.click("#code-form button[type=submit]").await?;
    b.wait_for("#member-page").await?;
    b.wait_text("Ann Archer").await?;
    let ann = query_value(
        &site.server.db.url,
        "select id from dues.member where email = 'ann@example.org'",
    );

    // subscribes to the class through the generated form, sees the order and what to pay
    b.goto(&format!("{}/#/classes", site.base)).await?;
    b.wait_text("Pottery").await?;
    b.click_text("Pottery").await?;
    b.click("#subscribe-form button[type=submit]").await?;
    let order = b.wait_text("What to pay").await?;
    if !order.contains("USD 25.00") || !order.contains("waiting for payment") {
        return Err(format!("the order page does not say what to pay:\n{order}"));
    }
    let order_url = b
        .client
        .current_url()
        .await
        .map_err(err("url"))?
        .to_string();
    sign_out(b).await?;

    // staff finds the member and registers the payment in the console
    sign_in(b, site, "tess@example.org").await?;
    b.wait_for("#member-search").await?;
    b.fill("#member-search input[name=q]", "ann").await?;
    b.click("#member-search button[type=submit]").await?;
    b.wait_text("ann@example.org").await?;
    b.click_text("Ann Archer").await?;
    b.wait_for("#staff-actions").await?;
    b.click_text("Register a payment").await?;
    b.fill("#register-payment input[name=amount]", "25.00")
        .await?;
    b.select("#register-payment select[name=method]", "bank_transfer")
        .await?;
    b.fill(
        "#register-payment input[name=external_ref]",
        "statement 2026-11 line 4",
    )
    .await?;
    b.click("#register-payment button[type=submit]").await?;
    b.wait_text("statement 2026-11 line 4").await?;
    sign_out(b).await?;

    // the member confirms, is a student, and sees the order paid
    sign_in(b, site, "ann@example.org").await?;
    b.goto(&order_url).await?;
    b.click_text("Confirm the order").await?;
    b.wait_text("Paid: you are a student of Pottery").await?;
    b.goto(&format!("{}/#/account", site.base)).await?;
    b.wait_text("students of Pottery").await?;
    let students = site.dues(&["call", "class_students", &format!("class_id={pottery_id}")]);
    if !students.to_string().contains("Ann Archer")
        && !students
            .to_string()
            .contains(&format!("\"member_id\":{ann}"))
    {
        return Err(format!("the member is not a student: {students}"));
    }
    Ok(ann)
}

/// A member opens another member's page ("not found"), and a cross-site post carries its cookie (refused).
async fn others_are_refused(b: &mut Browser, site: &Site, tess: &str, ann: &str) -> Result {
    // a member cannot open another member's page: "not found", as for no member at all
    b.goto(&format!("{}/#/members/{tess}", site.base)).await?;
    b.wait_text("Not found").await?;
    b.goto(&format!("{}/#/members/999", site.base)).await?;
    b.wait_text("Not found").await?;

    // a cross-site form post carrying the session cookie is refused
    cross_site_post(b, site, ann).await?;
    b.goto(&format!("{}/#/account", site.base)).await?;
    sign_out(b).await?;
    Ok(())
}

/// Staff creates a recurring class through the console and sees the collector's run and the member's invoice.
async fn staff_bills_a_recurring_class(b: &mut Browser, site: &Site, ann: &str) -> Result {
    // staff creates a recurring class through the console
    sign_in(b, site, "tess@example.org").await?;
    b.goto(&format!("{}/#/staff/classes/new", site.base))
        .await?;
    b.fill("#class-create input[name=title]", "Hosting").await?;
    b.select("#class-rule", "recurring").await?;
    b.fill("#rule-params [name=amount]", "30.00").await?;
    b.fill("#rule-params [name=period]", "month").await?;
    b.fill("#rule-params [name=renewal]", "auto_renew").await?;
    let optional = b
        .client
        .execute(
            "return document.querySelector('#rule-params [name=setup_fee]').required",
            vec![],
        )
        .await
        .map_err(err("setup_fee"))?;
    if optional != serde_json::Value::Bool(false) {
        return Err("an optional parameter is marked required".into());
    }
    b.click("#class-create button[type=submit]").await?;
    b.wait_text("Students").await?;
    let hosting = query_value(
        &site.server.db.url,
        "select id from dues.class where title = 'Hosting'",
    );
    site.dues(&[
        "call",
        "recurring_subscription_start",
        "--json",
        &format!(r#"{{"member_id":{ann},"class_id":{hosting}}}"#),
    ]);
    let tomorrow = query_value(
        &site.server.db.url,
        "select to_char(now() + interval '1 day', 'YYYY-MM-DD\"T\"03:00:00Z')",
    );
    let out = site
        .server
        .dues(&["jobs", "run", "collect", "--at", &tomorrow]);
    if !out.status.success() {
        return Err(format!("dues jobs run collect: {}", text(&out)));
    }
    // ...and sees the collector's run and the member's invoice
    b.goto(&format!("{}/#/staff/runs", site.base)).await?;
    let runs = b.wait_text("Run 1").await?;
    if runs.contains("The collector has not run yet") {
        return Err(runs);
    }
    b.goto(&format!("{}/#/members/{ann}", site.base)).await?;
    b.wait_text("Hosting").await?;
    let number = query_value(
        &site.server.db.url,
        &format!("select number from dues.invoice where member_id = {ann}"),
    );
    if number.is_empty() {
        return Err("the collector issued no invoice".into());
    }
    b.click_text(&number).await?;
    let invoice = b.wait_text("Amount due").await?;
    if !invoice.contains("USD 30.00") {
        return Err(format!("the invoice page:\n{invoice}"));
    }
    // the other consoles open
    for (page, says) in [
        ("#/staff/outbox", "Outbox"),
        ("#/staff/notifications", "Payment notifications"),
        ("#/staff/settings", "text_limit_note"),
        ("#/staff/settings?part=templates", "storage_renewal_decided"),
        ("#/staff/settings?part=jobs", "Job schedules"),
        ("#/staff/settings?part=methods", "bank_transfer"),
        ("#/staff/reports", "Receivables ageing"),
        ("#/staff/access", "Weekly heatmap"),
        ("#/classes", "Hosting"),
    ] {
        b.goto(&format!("{}/{page}", site.base)).await?;
        b.wait_text(says).await?;
    }
    Ok(())
}

/// Staff (signed in) creates a 10% discount in the console and sees it listed, running (the same code again is refused
/// with the refusal's message); ends it with a reason and sees it ended (and so in the database).
async fn staff_creates_and_ends_a_discount(b: &mut Browser, site: &Site) -> Result {
    b.goto(&format!("{}/#/staff/discounts", site.base)).await?;
    b.click_text("Create a discount").await?;
    b.fill("#discount-create input[name=code]", "SPRING10")
        .await?;
    b.select("#discount-create select[name=kind]", "percent")
        .await?;
    b.fill("#discount-create input[name=percent]", "10").await?;
    b.fill("#discount-create input[name=max_uses]", "20")
        .await?;
    b.click("#discount-create button[type=submit]").await?;
    let list = b.wait_text("SPRING10").await?;
    if !list.contains("10.00%") || !list.contains("0 / 20") || !list.contains("running") {
        return Err(format!("the new discount is not listed as made:\n{list}"));
    }
    // the same code in another case is refused, with the refusal's message in the form
    b.fill("#discount-create input[name=code]", "spring10")
        .await?;
    b.fill("#discount-create input[name=percent]", "15").await?;
    b.click("#discount-create button[type=submit]").await?;
    b.wait_text("discount code spring10 is taken").await?;
    let id = query_value(
        &site.server.db.url,
        "select id from dues.discount where code = 'SPRING10'",
    );
    b.click_text("End").await?;
    b.fill(
        &format!("#discount-end-{id} input[name=why]"),
        "spring is over",
    )
    .await?;
    b.click(&format!("#discount-end-{id} button[type=submit]"))
        .await?;
    b.gone(&format!("#discount-end-{id}")).await?;
    let list = b.wait_text("ended").await?;
    if list.contains("running") {
        return Err(format!(
            "the ended discount is still listed as running:\n{list}"
        ));
    }
    let ended = query_value(
        &site.server.db.url,
        &format!("select ended_at is not null from dues.discount where id = {id}"),
    );
    if ended != "t" {
        return Err(format!("the discount was not ended: {ended}"));
    }
    Ok(())
}

/// Staff (signed in) creates a token for a member in the console, sees it listed and the token works; changes a
/// membership status rule, the refusal of a weight another rule has shown with its hint first; changes a standing rule's
/// offset, and it keeps its standing.
async fn staff_makes_a_token_and_changes_a_rule(b: &mut Browser, site: &Site, ann: &str) -> Result {
    b.goto(&format!("{}/#/staff/tokens", site.base)).await?;
    b.click_text("Create a token").await?;
    b.select("#token-create select[name=kind]", "member")
        .await?;
    b.fill("#token-create input[name=member_id]", ann).await?;
    b.fill("#token-create input[name=label]", "door reader")
        .await?;
    b.click("#token-create button[type=submit]").await?;
    let token = b.wait_for("#new-token-value").await?;
    let token = token.text().await.map_err(err("the token"))?;
    let list = b.wait_text("door reader").await?;
    if !list.contains(&format!("member {ann}")) {
        return Err(format!(
            "the new token is not listed for the member:\n{list}"
        ));
    }
    let mine = post(
        &site.server.addr,
        "member_get",
        Some(token.as_str()),
        &format!(r#"{{"member_id":{ann}}}"#),
    );
    if mine.status != 200 {
        return Err(format!("the token shown does not work: {mine:?}"));
    }

    // a membership status rule: a weight another active rule has is refused with what to do; then saved
    let rule = query_value(
        &site.server.db.url,
        "select id from dues.membership_status_rule where status = 'current' and active",
    );
    b.goto(&format!("{}/#/staff/settings?part=rules", site.base))
        .await?;
    b.click(&format!(
        "a[href='#/staff/settings?part=rules&rule={rule}']"
    ))
    .await?;
    let form = format!("#rule-{rule}");
    b.fill(
        &format!("{form} input[name=description]"),
        "paid within the last 45 days",
    )
    .await?;
    b.fill(&format!("{form} input[name=end_offset]"), "45 days")
        .await?;
    b.fill(&format!("{form} input[name=weight]"), "10").await?;
    b.click(&format!("{form} button[type=submit]")).await?;
    let refused = b.wait_text("choose another weight").await?;
    if !refused.contains("has weight 10 already") {
        return Err(format!("the refusal's message is not shown:\n{refused}"));
    }
    b.fill(&format!("{form} input[name=weight]"), "20").await?;
    b.click(&format!("{form} button[type=submit]")).await?;
    b.wait_text("+ 45 days").await?;
    let saved = query_value(
        &site.server.db.url,
        &format!("select description || ' / ' || end_offset::text || ' / ' || weight from dues.membership_status_rule where id = {rule}"),
    );
    if saved != "paid within the last 45 days / 45 days / 20" {
        return Err(format!("the rule was not saved as edited: {saved}"));
    }

    // a standing rule (a standing, no status): named by its standing, its offset changed, it keeps its standing
    let standing = query_value(
        &site.server.db.url,
        "select id from dues.membership_status_rule where standing = 'suspended' and status is null and active",
    );
    b.click(&format!(
        "a[href='#/staff/settings?part=rules&rule={standing}']"
    ))
    .await?;
    let form = format!("#rule-{standing}");
    b.wait_for(&format!(
        "{form} select[name=standing] option[value=suspended]:checked"
    ))
    .await?;
    let page = b.wait_text("Change the rule standing suspended").await?;
    if page.contains("null") {
        return Err(format!("the standing rule's form says null:\n{page}"));
    }
    b.fill(&format!("{form} input[name=start_offset]"), "95 days")
        .await?;
    b.click(&format!("{form} button[type=submit]")).await?;
    b.wait_text("+ 95 days").await?;
    let saved = query_value(
        &site.server.db.url,
        &format!("select coalesce(standing, 'no standing') || ' / ' || coalesce(status, 'no status') || ' / ' || start_offset::text \
                  from dues.membership_status_rule where id = {standing}"),
    );
    if saved != "suspended / no status / 95 days" {
        return Err(format!(
            "the standing rule was not saved as edited: {saved}"
        ));
    }
    Ok(())
}

/// Staff (signed in) adds a storage slot type and a slot in the console and gives the slot to a member; the member asks
/// for its renewal on its page; staff accept it from the storage console; the member sees it accepted with the new expiry.
async fn a_storage_renewal_asked_and_decided(b: &mut Browser, site: &Site, ann: &str) -> Result {
    b.goto(&format!("{}/#/staff/storage", site.base)).await?;
    b.wait_text("No free slot.").await?;
    b.open_details("#storage-type-create").await?;
    b.fill("#storage-type-create input[name=name]", "locker")
        .await?;
    b.fill("#storage-type-create input[name=title]", "Locker")
        .await?;
    b.fill("#storage-type-create input[name=default_term]", "3 months")
        .await?;
    b.click("#storage-type-create button[type=submit]").await?;
    // the page drawn again: the new type is a choice of the slot's form
    b.wait_for("#storage-slot-create select[name=type_id] option:not([value=''])")
        .await?;
    let kind = query_value(
        &site.server.db.url,
        "select id from dues.storage_slot_type where name = 'locker'",
    );
    b.open_details("#storage-slot-create").await?;
    b.wait_for(&format!(
        "#storage-slot-create select[name=type_id] option[value='{kind}']"
    ))
    .await?;
    b.select("#storage-slot-create select[name=type_id]", &kind)
        .await?;
    b.fill("#storage-slot-create input[name=label]", "L-7")
        .await?;
    b.fill("#storage-slot-create input[name=location]", "basement")
        .await?;
    b.click("#storage-slot-create button[type=submit]").await?;
    b.wait_text("L-7").await?;
    let slot = query_value(
        &site.server.db.url,
        "select id from dues.storage_slot where label = 'L-7'",
    );
    let form = format!("#storage-assign-{slot}");
    b.open_details(&form).await?;
    b.fill(&format!("{form} input[name=member_id]"), ann)
        .await?;
    b.set_value(&format!("{form} input[name=starts_on]"), "2026-01-01")
        .await?;
    b.click(&format!("{form} button[type=submit]")).await?;
    b.wait_text("Ann Archer").await?;
    sign_out(b).await?;

    sign_in(b, site, "ann@example.org").await?;
    b.goto(&format!("{}/#/account", site.base)).await?;
    let page = b.wait_text("L-7").await?;
    if !page.contains("31 Mar 2026") {
        return Err(format!("the slot's expiry is not shown:\n{page}"));
    }
    let form = format!("#storage-renewal-{slot}");
    b.open_details(&form).await?;
    b.fill(&format!("{form} textarea[name=note]"), "one more season")
        .await?;
    b.click(&format!("{form} button[type=submit]")).await?;
    b.wait_text("one more season").await?;
    // and a service order of its own
    b.open_details("#service-order-create").await?;
    b.fill("#service-order-create input[name=name]", "Main site")
        .await?;
    b.click("#service-order-create button[type=submit]").await?;
    b.wait_text("Main site").await?;
    sign_out(b).await?;

    sign_in(b, site, "tess@example.org").await?;
    b.goto(&format!("{}/#/staff/storage", site.base)).await?;
    b.wait_text("L-7").await?;
    let renewal = query_value(
        &site.server.db.url,
        "select max(id) from dues.storage_renewal",
    );
    let form = format!("#renewal-decide-{renewal}");
    b.open_details(&form).await?;
    b.select(&format!("{form} select[name=accept]"), "true")
        .await?;
    b.fill(&format!("{form} textarea[name=note]"), "granted till June")
        .await?;
    b.click(&format!("{form} button[type=submit]")).await?;
    b.gone(&form).await?;
    b.goto(&format!("{}/#/members/{ann}", site.base)).await?;
    let page = b.wait_text("granted till June").await?;
    if !page.contains("30 Jun 2026") || !page.contains("accepted") {
        return Err(format!(
            "the member page does not show the renewal accepted:\n{page}"
        ));
    }
    let decision = query_value(
        &site.server.db.url,
        &format!("select decision from dues.storage_renewal where id = {renewal}"),
    );
    if decision != "accepted" {
        return Err(format!("the renewal is {decision}"));
    }
    Ok(())
}

/// A page of another origin posts a form to /rpc with the browser's cookie: refused.
async fn cross_site_post(b: &mut Browser, site: &Site, ann: &str) -> Result {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(err("bind"))?;
    let other = listener.local_addr().unwrap();
    let target = format!("{}/rpc/member_update", site.base);
    let page = format!(
        "<!doctype html><form method=post action=\"{target}\" enctype=\"text/plain\">\
         <input name='{{\"member_id\":{ann},\"name\":\"Mallory\",\"x\":\"' value='\"}}'>\
         <button id=go type=submit>go</button></form>"
    );
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    b.client
        .goto(&format!("http://{other}/"))
        .await
        .map_err(err("the other site"))?;
    let go = b
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#go"))
        .await
        .map_err(err("#go"))?;
    go.click().await.map_err(err("#go"))?;
    let started = Instant::now();
    loop {
        let body = b
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .map_err(err("answer"))?;
        let body = body.as_str().unwrap_or_default().to_string();
        if body.contains("DU510") {
            break;
        }
        if started.elapsed() > Duration::from_secs(10) {
            return Err(format!(
                "the cross-site post was not refused with DU510: {body}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let name = query_value(
        &site.server.db.url,
        &format!("select name from dues.member where id = {ann}"),
    );
    if name != "Ann Archer" {
        return Err(format!("a cross-site post changed the member: {name}"));
    }
    Ok(())
}

/// Whether WebDriver refused because the element was replaced by a redraw.
fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    e.to_string().contains("stale element")
}
