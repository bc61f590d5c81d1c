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

use crate::helpers::{PASSWORD, TestApp};

// The tests, by who uses the screens. Each file may add its own `impl Browser` block for the
// steps only its tests take.
mod admin;
mod applicant;
mod entry;
mod journey;
mod reports;
mod review;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// axe-core, pinned and fetched by `scripts/fetch-web-vendor.sh`.
const AXE: &str = include_str!("../vendor/axe.min.js");
const WAIT: Duration = Duration::from_secs(30);
/// How long chromedriver and Chromium may take to start: longer than a page's wait, as they start
/// while the rest of the suite keeps both cores busy.
const STARTUP: Duration = Duration::from_secs(90);
/// How long one start of chromedriver may take to say its port before it is started again.
const DRIVER_START: Duration = Duration::from_secs(20);
const WIDE: (u32, u32) = (1280, 900);
const NARROW: (u32, u32) = (390, 844);

/// chromedriver on a port it picks itself and says (no window in which another test's server
/// could take a port picked here), and that port. A start that says nothing in `DRIVER_START` is
/// tried again (it happens, rarely, while the rest of the suite keeps both cores busy); after the
/// last try the panic shows what chromedriver wrote.
fn start_driver() -> (Child, u16) {
    let mut said = Vec::new();
    for _ in 0..3 {
        let mut driver = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromedriver starts");
        let (told, heard) = std::sync::mpsc::channel();
        for output in [
            driver
                .stdout
                .take()
                .map(|o| Box::new(o) as Box<dyn std::io::Read + Send>),
            driver
                .stderr
                .take()
                .map(|e| Box::new(e) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let told = told.clone();
            // Reads on to the end, so that chromedriver never blocks on a full pipe.
            std::thread::spawn(move || {
                for line in BufReader::new(output).lines().map_while(Result::ok) {
                    let _ = told.send(line);
                }
            });
        }
        let deadline = std::time::Instant::now() + DRIVER_START;
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            let Ok(line) = heard.recv_timeout(left) else {
                break;
            };
            let port = line
                .split("started successfully on port ")
                .nth(1)
                .and_then(|rest| rest.trim_end_matches('.').parse::<u16>().ok())
                .filter(|port| *port != 0);
            if let Some(port) = port {
                return (driver, port);
            }
            said.push(line);
        }
        let _ = driver.kill();
        let _ = driver.wait();
        said.push(format!("(no port in {DRIVER_START:?})"));
    }
    panic!("chromedriver did not start: {said:?}");
}

/// One browser at a time: Chromium is heavy, and the other tests share the machine.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Headless Chromium on a page of `app`, and the chromedriver that drives it.
struct Browser {
    client: Client,
    driver: Child,
    base: String,
    /// The first browser of a test holds the turn; a second one beside it (`beside`) does not.
    _turn: Option<tokio::sync::MutexGuard<'static, ()>>,
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
        Some(Self::launch(app, Some(turn)).await)
    }

    /// A second browser in the same test (another person, signed in separately), on the turn
    /// this one holds.
    async fn beside(&self, app: &TestApp) -> Self {
        Self::launch(app, None).await
    }

    async fn launch(app: &TestApp, turn: Option<tokio::sync::MutexGuard<'static, ()>>) -> Self {
        let (mut driver, port) = start_driver();
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
        let deadline = tokio::time::Instant::now() + STARTUP;
        while tokio::time::Instant::now() < deadline {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        driver,
                        base: app.address.clone(),
                        _turn: turn,
                    };
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = driver.kill();
        let _ = driver.wait();
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

    /// Clicks the element of `css` with `text`; when the page redraws it between finding and
    /// clicking (a stale element), finds it again.
    async fn click(&self, css: &str, text: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match self.wait_text(css, text).await.click().await {
                Ok(()) => return,
                Err(fantoccini::error::CmdError::Standard(error))
                    if error.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(error) => panic!("clicking {css} with {text:?}: {error}"),
            }
        }
    }

    /// Opens `path` signed out, which asks to sign in first, and signs in there as `email` (with
    /// the tests' password), in either language; the app then comes back to `path`.
    async fn sign_in_at(&self, path: &str, email: &str) {
        self.open(path).await;
        self.wait_text("#field-password", "").await;
        self.fill_id("field-email", email).await;
        self.fill_id("field-password", PASSWORD).await;
        self.click("button[type=submit]", "").await;
        self.wait_text(".who", "").await;
    }

    async fn sign_in(&self, email: &str) {
        self.sign_in_at("/sign-in", email).await;
    }

    async fn sign_out(&self) {
        self.click("button", "退出登录").await;
        self.heading("登录").await;
    }

    /// Types `value` into the field whose id is `id` (where labels repeat on the page).
    async fn fill_id(&self, id: &str, value: &str) {
        self.wait_text(&format!("[id='{id}']"), "").await;
        let input = self.client.find(Locator::Id(id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }

    /// Sets the date field `id`: Chromium's date inputs take keys by the locale's segments, so
    /// the value is set as a picker would and the input event the page listens to is sent.
    async fn set_date(&self, id: &str, value: &str) {
        self.wait_text(&format!("[id='{id}']"), "").await;
        self.client
            .execute(
                "const input = document.getElementById(arguments[0]); input.focus();
                 input.value = arguments[1];
                 input.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(id), json!(value)],
            )
            .await
            .unwrap();
    }

    /// Chooses `value` in the select whose id is `id`.
    async fn choose(&self, id: &str, value: &str) {
        self.wait_text(&format!("[id='{id}']"), "").await;
        let select = self.client.find(Locator::Id(id)).await.unwrap();
        select.select_by_value(value).await.unwrap();
    }

    /// Ticks the checkbox labelled `label` by clicking its label, as a person does.
    async fn tick(&self, label: &str) {
        self.click("label", label).await;
    }

    /// Waits until the form says everything typed is saved.
    async fn saved(&self) {
        self.wait_text(".save-state", "所有修改已保存").await;
    }

    /// Replaces what the field labelled `label` holds with `value` as a person does: select
    /// all, type over it. (WebDriver's clear sends no input event, so a form that re-renders
    /// meanwhile would put the old text back.)
    async fn retype(&self, label: &str, value: &str) {
        let label = self.wait_text("label", label).await;
        let id = label.attr("for").await.unwrap().unwrap();
        let input = self.client.find(Locator::Id(&id)).await.unwrap();
        input.click().await.unwrap();
        input
            .send_keys(&format!("\u{E009}a\u{E009}{value}"))
            .await
            .unwrap();
    }

    /// Puts `date` (YYYY-MM-DD) into the date input labelled `label` as the browser's date
    /// picker does: the value, then an input event. (Typing into the segments depends on the
    /// platform's date order, which headless Chromium does not take from `--lang`.)
    async fn pick_date(&self, label: &str, date: &str) {
        let label = self.wait_text("label", label).await;
        let id = label.attr("for").await.unwrap().unwrap();
        self.set_date(&id, date).await;
    }

    /// The id of the application whose page is open.
    async fn application_id(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        url.path().rsplit('/').next().unwrap().to_owned()
    }

    /// Ticks, one by one, every onboarding task the reader may tick; returns how many.
    async fn tick_my_tasks(&self) -> usize {
        let mine = self.count("button[data-done]").await;
        for left in (0..mine).rev() {
            self.click("button[data-done]", "").await;
            self.wait_count("button[data-done]", left).await;
        }
        mine
    }

    /// Keeps the next file the page hands to the browser, to read it with `exported`.
    async fn catch_exports(&self) {
        self.client
            .execute(
                "const make = URL.createObjectURL;
                 URL.createObjectURL = (blob) => { window.exported = blob; return make(blob); };",
                vec![],
            )
            .await
            .unwrap();
    }

    /// The text of the file the page handed over (waiting for it).
    async fn exported(&self) -> String {
        let text = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const read = () => window.exported ? window.exported.text().then(done) : setTimeout(read, 50);
                 read();",
                vec![],
            )
            .await
            .unwrap();
        text.as_str().unwrap().to_owned()
    }

    /// Uploads the file at `path` as a document of `kind` through the application's upload form,
    /// as a person picks a file.
    async fn upload(&self, kind: &str, path: &Path) {
        self.choose("field-kind", kind).await;
        let file = self.client.find(Locator::Id("field-file")).await.unwrap();
        file.send_keys(path.to_str().unwrap()).await.unwrap();
        self.click(".upload button[type=submit]", "上传").await;
    }

    /// Clicks the button of the move `action` in the moves panel.
    async fn move_button(&self, action: &str) {
        self.click(&format!("button[data-action={action}]"), "")
            .await;
    }

    /// How many elements of `css` the page has now.
    async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map_or(0, |found| found.len())
    }

    /// Waits until the page has `count` elements of `css`.
    async fn wait_count(&self, css: &str, count: usize) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.count(css).await != count {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} of {css}, not {count}",
                self.count(css).await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
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

    /// Prints the page as the browser's "print to PDF" does, on A4, and checks that it made a
    /// PDF of more than one page; writes each page as `docs/screenshots/{name}-{lang}-{n}.png`
    /// when poppler's `pdftoppm` is there (CI installs it), for the README.
    async fn print_pages(&self, name: &str) {
        let config = fantoccini::wd::PrintConfiguration::builder()
            .size(fantoccini::wd::PrintSize::A4)
            .build()
            .unwrap();
        let pdf = self.client.print(config).await.unwrap();
        assert!(pdf.starts_with(b"%PDF"), "not a PDF");
        let language = self
            .client
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        let language = language.as_str().unwrap_or("unknown").to_owned();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("print.pdf");
        std::fs::write(&file, &pdf).unwrap();
        let prefix = dir.path().join("page");
        let converted = Command::new("pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(&file)
            .arg(&prefix)
            .status();
        match converted {
            Ok(status) if status.success() => {}
            Ok(status) => panic!("pdftoppm: {status}"),
            Err(error) => {
                eprintln!("no print screenshots: pdftoppm ({error})");
                return;
            }
        }
        let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "png"))
            .collect();
        pages.sort();
        assert!(pages.len() > 1, "{} pages", pages.len());
        let screenshots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        for (n, page) in pages.iter().enumerate() {
            let target = screenshots.join(format!("{name}-{language}-{}.png", n + 1));
            std::fs::copy(page, target).unwrap();
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
