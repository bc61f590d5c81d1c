//! Running `wrk` (closed loop: each connection sends its next request when the last one is
//! answered) and reading its output.

use std::process::Command;
use std::time::Duration;

pub const THREADS: u32 = 2;

/// What one run of wrk (or of the open-loop generator) measured.
#[derive(Debug)]
pub struct Figures {
    pub requests_per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// The slowest request.
    pub max: Duration,
    pub requests: u64,
    /// Non-2xx responses, as wrk words them: these make a run meaningless.
    pub non_2xx: Option<String>,
    /// Socket errors (timeouts included), as wrk words them: these fail the tail goal.
    pub socket_errors: Option<String>,
    /// The script's own last line, if it printed one.
    pub script_line: Option<String>,
}

/// wrk prints times as `812.00us`, `1.23ms`, `2.00s` or `1.50m`.
fn parse_time(text: &str) -> Option<Duration> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

pub fn parse(output: &str) -> Figures {
    let mut requests_per_second = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut max = None;
    let mut requests = None;
    let mut non_2xx = None;
    let mut socket_errors = None;
    let mut script_line = None;
    for line in output.lines() {
        let trimmed = line.trim();
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n, ..] => requests_per_second = n.parse().ok(),
            ["50%", t, ..] => p50 = parse_time(t),
            ["99%", t, ..] => p99 = parse_time(t),
            // `Latency  avg  stdev  max  +/-stdev` (not `Latency Distribution`).
            ["Latency", _, _, t, _] => max = parse_time(t),
            [n, "requests", ..] => requests = n.parse().ok(),
            _ => {}
        }
        if trimmed.starts_with("Non-2xx") {
            non_2xx = Some(trimmed.to_owned());
        }
        if trimmed.starts_with("Socket errors") {
            socket_errors = Some(trimmed.to_owned());
        }
        if trimmed.starts_with("submit-counts") {
            script_line = Some(trimmed.to_owned());
        }
    }
    let missing = |what: &str| -> ! { panic!("no {what} in wrk's output:\n{output}") };
    Figures {
        requests_per_second: requests_per_second.unwrap_or_else(|| missing("Requests/sec")),
        p50: p50.unwrap_or_else(|| missing("50% line")),
        p99: p99.unwrap_or_else(|| missing("99% line")),
        max: max.unwrap_or_else(|| missing("Latency line")),
        requests: requests.unwrap_or_else(|| missing("request count")),
        non_2xx,
        socket_errors,
        script_line,
    }
}

/// One run of wrk: a URL, headers, optionally a script of `benches/http_load` and its
/// arguments.
#[derive(Clone)]
pub struct Run {
    pub url: String,
    pub seconds: u64,
    pub connections: u32,
    pub headers: Vec<String>,
    pub script: Option<(&'static str, Vec<String>)>,
}

fn script_path(name: &str) -> String {
    format!("{}/benches/http_load/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn run(run: &Run) -> Figures {
    let mut command = Command::new("wrk");
    command
        .arg(format!("-t{THREADS}"))
        .arg(format!("-c{}", run.connections))
        .arg(format!("-d{}s", run.seconds))
        // wrk leaves timed-out requests out of its latencies; a long timeout keeps the slow
        // tail in the p99 and the max instead of hiding it.
        .args(["--timeout", "30s", "--latency"]);
    for header in &run.headers {
        command.args(["-H", header]);
    }
    if let Some((script, _)) = &run.script {
        command.args(["-s", &script_path(script)]);
    }
    command.arg(&run.url);
    if let Some((_, args)) = &run.script {
        command.arg("--").args(args);
    }
    let output = command
        .output()
        .expect("wrk on the PATH (apt-get install -y wrk)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "wrk failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse(&stdout)
}
