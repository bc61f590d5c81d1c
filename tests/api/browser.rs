//! The web front end in a real browser: Debian's headless Chromium driven over WebDriver
//! (`chromedriver`) against the real server and its SMTP server. Each page the tests open is
//! checked with axe-core (injected by the test, never served to users: no serious or critical
//! violation), and the main pages are photographed into `docs/screenshots/` (zh-CN and English,
//! 390 and 1280 px wide).
//!
//! Without `/usr/bin/chromium` or `/usr/bin/chromedriver` the tests say so and pass, unless
//! `REQUIRE_BROWSER=1` (CI sets it).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::pages::link_path;
use crate::review::{act, moved};
use crate::stories::SUZHOU;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// axe-core, pinned and fetched by `scripts/fetch-web-vendor.sh`.
const AXE: &str = include_str!("vendor/axe.min.js");
const WAIT: Duration = Duration::from_secs(15);
const WIDE: (u32, u32) = (1280, 900);
const NARROW: (u32, u32) = (390, 844);

/// One browser at a time: Chromium is heavy, and the other tests share the machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Headless Chromium on a page of `app`, and the chromedriver that drives it.
struct Browser {
    client: Client,
    driver: Child,
    base: String,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Browser {
    /// None (after saying why) when Chromium or chromedriver is not installed and the browser is
    /// not required.
    async fn start(app: &TestApp) -> Option<Self> {
        let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
            .into_iter()
            .filter(|path| !Path::new(path).exists())
            .collect();
        if !missing.is_empty() {
            assert!(
                std::env::var("REQUIRE_BROWSER").as_deref() != Ok("1"),
                "REQUIRE_BROWSER=1 but {missing:?} missing (apt-get install chromium chromium-driver)"
            );
            eprintln!(
                "browser tests skipped: {missing:?} missing (apt-get install chromium chromium-driver)"
            );
            return None;
        }
        let turn = ONE_AT_A_TIME.lock().await;
        // chromedriver picks a free port itself and says which: no window in which another
        // test's server could take a port picked here.
        let mut driver = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let stdout = driver.stdout.take().expect("chromedriver's output");
        let (told, port) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Reads on to the end, so that chromedriver never blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    let _ = told.send(rest.trim_end_matches('.').parse::<u16>().ok());
                }
            }
        });
        let port = port
            .recv_timeout(WAIT)
            .ok()
            .flatten()
            .expect("chromedriver says its port");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--hide-scrollbars", "--lang=zh-CN", "--window-size=1280,900",
                ],
            },
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Self {
                        client,
                        driver,
                        base: app.address.clone(),
                        _turn: turn,
                    });
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver on {url} did not answer: {last_error:?}");
    }

    async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// Waits for an element of `css` whose text contains `text`.
    async fn wait_text(&self, css: &str, text: &str) -> Element {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut seen = Vec::new();
        while tokio::time::Instant::now() < deadline {
            seen.clear();
            if let Ok(elements) = self.client.find_all(Locator::Css(css)).await {
                for element in elements {
                    let shown = element.text().await.unwrap_or_default();
                    if shown.contains(text) {
                        return element;
                    }
                    seen.push(shown);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = self.client.current_url().await.map(|u| u.to_string());
        let page = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        panic!("no {css} with {text:?} on {url:?}; seen {seen:?}; the page says {page:?}");
    }

    /// Waits for the table to have `count` rows.
    async fn rows(&self, count: usize) {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut found = 0;
        while tokio::time::Instant::now() < deadline {
            found = self
                .client
                .find_all(Locator::Css("tbody tr"))
                .await
                .map_or(0, |rows| rows.len());
            if found == count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{found} rows, not {count}");
    }

    async fn heading(&self, text: &str) {
        self.wait_text("h1", text).await;
    }

    /// Types `value` into the field labelled `label` (the label's `for` names it).
    async fn fill(&self, label: &str, value: &str) {
        let label = self.wait_text("label", label).await;
        let id = label
            .attr("for")
            .await
            .unwrap()
            .expect("the label names its control");
        let input = self.client.find(Locator::Id(&id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }

    async fn click(&self, css: &str, text: &str) {
        self.wait_text(css, text).await.click().await.unwrap();
    }

    /// Runs axe-core on the page: no serious or critical violation.
    async fn axe(&self, page: &str) {
        self.client.execute(AXE, vec![]).await.unwrap();
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ["violations"] })
                  .then((r) => done(r.violations
                    .filter((v) => v.impact === "serious" || v.impact === "critical")
                    .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.html) }))))
                  .catch((e) => done("axe failed: " + e));"#,
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(found, json!([]), "axe on {page}");
    }

    /// Saves the page at both widths as `docs/screenshots/{name}-{language}-{width}.png`.
    async fn photograph(&self, name: &str) {
        let language = self
            .client
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        let language = language.as_str().unwrap_or("unknown").to_owned();
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        for (width, height) in [NARROW, WIDE] {
            self.client.set_window_size(width, height).await.unwrap();
            tokio::time::sleep(Duration::from_millis(200)).await;
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{language}-{width}.png")), png).unwrap();
        }
    }

    async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// chromedriver ends with the test, passed or failed (Chromium ends with it).
impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_in_chinese_confirms_the_address_signs_in_and_sees_no_applications() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let email = "li.wei@dealer.example";

    // Chinese unless chosen otherwise; a refused field is named beside it.
    browser.open("/register").await;
    browser.heading("注册账号").await;
    browser.axe("/register").await;
    browser.photograph("register").await;
    browser.fill("电子邮箱", email).await;
    browser.fill("姓名", DISPLAY_NAME).await;
    browser.fill("密码", "short").await;
    browser.click("button[type=submit]", "注册").await;
    browser.wait_text("#field-password-errors", "").await;
    browser.wait_text(".problem", "").await;
    browser.axe("/register with errors").await;
    browser.fill("密码", PASSWORD).await;
    browser.click("button[type=submit]", "注册").await;
    browser.heading("请查收确认邮件").await;
    browser.wait_text(".notice", email).await;

    // The link in the mail (in Chinese: registered in Chinese) opens the app, whose button
    // spends the token.
    let mail = app.smtp.wait_for(email, "请验证您的电子邮件地址").await;
    let link = link_path(&mail);
    assert!(link.starts_with("/verify-email?token="), "{link}");
    browser.open(&link).await;
    browser.heading("确认电子邮箱").await;
    browser.axe("/verify-email").await;
    browser.click("button[type=submit]", "确认我的邮箱").await;
    browser.wait_text(".notice", "已确认").await;
    let token = access_token(&app.tokens(email, PASSWORD).await);
    let me = app.get_json("/api/v1/me", Some(&token)).await;
    assert_eq!(me["email_verified"], true);

    browser.click("a", "前往登录").await;
    browser.heading("登录").await;
    browser.axe("/sign-in").await;
    browser.photograph("sign-in").await;
    browser.fill("电子邮箱", email).await;
    browser.fill("密码", PASSWORD).await;
    browser.click("button[type=submit]", "登录").await;
    browser.heading("我的申请").await;
    browser.wait_text(".empty", "您还没有任何申请。").await;
    browser.wait_text(".who", DISPLAY_NAME).await;
    browser.axe("/ (my applications)").await;
    browser.photograph("my-applications").await;

    // The tokens live in this tab's session storage, never in local storage.
    let stored = browser
        .client
        .execute(
            "return [sessionStorage.getItem('dealer-portal.session') !== null, Object.keys(localStorage)]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stored[0], true);
    assert!(!stored[1].to_string().contains("session"), "{stored}");

    // An access token the API refuses is renewed with the refresh token, unseen.
    let renewed = browser
        .client
        .execute(
            "const s = JSON.parse(sessionStorage.getItem('dealer-portal.session'));
             const old = s.access_token; s.access_token = 'expired';
             sessionStorage.setItem('dealer-portal.session', JSON.stringify(s)); return old;",
            vec![],
        )
        .await
        .unwrap();
    browser.open("/").await;
    browser.heading("我的申请").await;
    browser.wait_text(".who", DISPLAY_NAME).await;
    let now = browser
        .client
        .execute(
            "return JSON.parse(sessionStorage.getItem('dealer-portal.session')).access_token",
            vec![],
        )
        .await
        .unwrap();
    assert!(now != renewed && now != "expired", "{now}");

    // Signing out revokes the refresh token.
    let refresh = browser
        .client
        .execute(
            "return JSON.parse(sessionStorage.getItem('dealer-portal.session')).refresh_token",
            vec![],
        )
        .await
        .unwrap();
    browser.click("button", "退出登录").await;
    browser.heading("登录").await;
    let res = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::UNAUTHORIZED);
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_is_chosen_once_and_remembered_and_the_api_answers_in_it() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    browser.open("/sign-in").await;
    browser.heading("登录").await;
    browser.click("#language", "English").await;
    browser.heading("Sign in").await;
    browser.open("/sign-in").await;
    browser.heading("Sign in").await;
    let lang = browser
        .client
        .execute("return document.documentElement.lang", vec![])
        .await
        .unwrap();
    assert_eq!(lang, "en");
    browser.axe("/sign-in (en)").await;
    browser.photograph("sign-in").await;

    // The API's problem in the chosen language, beside the form.
    browser
        .fill("E-mail address", "nobody@dealer.example")
        .await;
    browser.fill("Password", PASSWORD).await;
    browser.click("button[type=submit]", "Sign in").await;
    browser
        .wait_text(".problem", "The e-mail address or password is wrong.")
        .await;
    browser
        .wait_text(".problem strong", "Invalid credentials")
        .await;
    browser.axe("/sign-in (en, refused)").await;

    // Every public page, in English, passes axe.
    for (path, heading) in [
        ("/register", "Create an account"),
        ("/forgot-password", "Reset your password"),
        (
            "/reset-password?token=abc&invited=1",
            "Welcome! Please set your password",
        ),
        ("/accept-invitation?token=abc", "Accept the invitation"),
        ("/verify-email", "Confirm your e-mail address"),
    ] {
        browser.open(path).await;
        browser.heading(heading).await;
        browser.axe(path).await;
    }
    browser.open("/register").await;
    browser.heading("Create an account").await;
    browser.photograph("register").await;

    // And back: remembered too.
    browser.click("#language", "中文").await;
    browser.heading("注册账号").await;
    browser.open("/forgot-password").await;
    browser.heading("找回密码").await;
    browser.axe("/forgot-password").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_filter_the_list_work_the_queue_and_read_an_application() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    app.admin("lead@maker.example").await;
    let (owner, _) = app
        .applicant_with_group("owner@dealer.example", "91320500123456788")
        .await;
    let submitted = app.draft_application(&owner, SUZHOU).await;
    moved(
        act(&app, &owner, &submitted, json!({"action": "submit"})).await,
        "under_review",
    )
    .await;
    let draft = app.draft_application(&owner, "330200").await;
    app.ignore_mail();

    browser.open("/").await;
    browser.heading("登录").await;
    browser.fill("电子邮箱", "lead@maker.example").await;
    browser.fill("密码", PASSWORD).await;
    browser.click("button[type=submit]", "登录").await;
    browser.heading("申请列表").await;
    browser.wait_text("tbody tr", "苏州").await;
    browser.rows(2).await;
    browser.axe("/ (staff)").await;
    browser.photograph("staff-applications").await;

    // The status filter: only the submitted one (staff see the internal status).
    let status = browser
        .client
        .find(Locator::Id("field-status"))
        .await
        .unwrap();
    status.select_by_value("submitted").await.unwrap();
    browser.click("button[type=submit]", "应用筛选").await;
    browser.rows(1).await;
    browser.wait_text("tbody tr", "苏州").await;
    let city = browser
        .client
        .find(Locator::Id("field-city"))
        .await
        .unwrap();
    city.select_by_value("330200").await.unwrap();
    status.select_by_value("").await.unwrap();
    browser.click("button[type=submit]", "应用筛选").await;
    browser.wait_text("tbody tr", "宁波").await;
    browser.rows(1).await;

    browser.click("nav a", "待办队列").await;
    browser.heading("待办队列").await;
    browser.wait_text("tbody tr", "苏州").await;
    browser.axe("/queue").await;
    browser.photograph("queue").await;

    browser.click("tbody a", "").await;
    browser.heading("申请详情").await;
    browser.wait_text(".facts", "已提交").await;
    browser.wait_text(".timeline", "提交申请").await;
    browser.axe("/applications/{id}").await;
    browser.photograph("application").await;

    // In English, the data comes again in English (labels from the API).
    browser.click("#language", "English").await;
    browser.heading("Application").await;
    browser.wait_text(".facts", "Submitted").await;
    browser.photograph("application").await;
    browser.open("/queue").await;
    browser.heading("Queue").await;
    browser.wait_text("tbody tr", "Suzhou").await;
    browser.photograph("queue").await;
    browser.open("/").await;
    browser.wait_text("tbody tr", "Suzhou").await;
    browser.photograph("staff-applications").await;

    // A route that needs a session, opened without one: sign in, then back there.
    browser.click("button", "Sign out").await;
    browser.heading("Sign in").await;
    browser.open(&format!("/applications/{draft}")).await;
    browser.heading("Sign in").await;
    browser.fill("E-mail address", "owner@dealer.example").await;
    browser.fill("Password", PASSWORD).await;
    browser.click("button[type=submit]", "Sign in").await;
    browser.heading("Application").await;
    browser.wait_text(".facts", "Not submitted yet").await;
    browser.open("/").await;
    browser.heading("My applications").await;
    browser.wait_text(".card", "Suzhou").await;
    browser.photograph("my-applications").await;
    browser.close().await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_opened_before_signing_in_is_accepted_after_it() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let Some(browser) = Browser::start(&app).await else {
        return app.finish().await;
    };
    let (owner, group) = app
        .applicant_with_group("owner@dealer.example", "91320500123456788")
        .await;
    let invitee = "zhang.min@dealer.example";
    app.applicant(invitee, "zh-CN").await;
    let res = app
        .post(
            &format!("/api/v1/dealer-groups/{group}/members"),
            Some(&owner),
            &json!({"email": invitee, "role": "editor"}),
        )
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let mail = app.smtp.wait_for(invitee, "邀请您加入").await;
    app.ignore_mail();

    browser.open(&link_path(&mail)).await;
    browser.heading("接受邀请").await;
    browser.axe("/accept-invitation (signed out)").await;
    browser.click(".actions a", "登录").await;
    browser.heading("登录").await;
    browser.fill("电子邮箱", invitee).await;
    browser.fill("密码", PASSWORD).await;
    browser.click("button[type=submit]", "登录").await;
    browser.heading("接受邀请").await;
    browser.click("button[type=submit]", "接受邀请").await;
    browser.wait_text(".notice", "角色：编辑").await;
    browser.axe("/accept-invitation (accepted)").await;
    browser.photograph("accept-invitation").await;
    let me = app
        .get_json(
            "/api/v1/me",
            Some(&access_token(&app.tokens(invitee, PASSWORD).await)),
        )
        .await;
    assert_eq!(me["dealer_group_id"], group.as_str());
    assert_eq!(me["group_role"], "editor");

    // The group's applications are the new member's too.
    browser.click("main a", "我的申请").await;
    browser.heading("我的申请").await;
    browser.wait_text(".empty", "您还没有任何申请。").await;
    browser.close().await;
    app.finish().await;
}
