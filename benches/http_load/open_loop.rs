//! The open-loop submit generator: requests leave on a fixed schedule (`rate` a second) whatever
//! the responses, each on a task of its own, and a request's latency counts from the time it was
//! *scheduled* to leave. A stalled server therefore shows in the tail (the requests queued behind
//! the stall all count their wait), where a closed loop such as wrk's would send fewer requests
//! during the stall and hide it (coordinated omission).

use std::time::Duration;

use tokio::time::Instant;

use crate::wrk::Figures;

/// Submits one draft per line of `lines` (`(token, application id)`), `rate` a second, at the
/// server at `base`. Responses 429 and 503 and failed connections (the server overloaded) are counted in
/// `non_2xx` and their latency kept; any other than 200 fails the run.
pub async fn submit(base: &str, lines: &[(String, String)], rate: u32) -> Figures {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let period = Duration::from_secs(1) / rate;
    let start = Instant::now() + Duration::from_millis(100);
    let mut tasks = Vec::with_capacity(lines.len());
    for (i, (token, id)) in lines.iter().enumerate() {
        let scheduled = start + period * u32::try_from(i).unwrap();
        tokio::time::sleep_until(scheduled).await;
        let request = client
            .post(format!("{base}/api/v1/applications/{id}/transitions"))
            .bearer_auth(token)
            .header("If-Match", "\"1\"")
            .json(&serde_json::json!({"action": "submit"}))
            .send();
        tasks.push(tokio::spawn(async move {
            let status = request.await.map(|r| r.status().as_u16());
            (scheduled.elapsed(), status)
        }));
    }
    let mut times = Vec::with_capacity(tasks.len());
    let (mut refused, mut other) = (Vec::new(), Vec::new());
    for task in tasks {
        let (elapsed, status) = task.await.unwrap();
        times.push(elapsed);
        match status {
            Ok(200) => {}
            // The server shedding load (pool timeout, overload): a result, counted.
            Ok(status @ (429 | 503)) => refused.push(status.to_string()),
            Ok(status) => other.push(format!("status {status}")),
            // Refused or dropped connections under overload: also the server's result.
            Err(error) => refused.push(error.to_string()),
        }
    }
    let wall = start.elapsed();
    // Anything else is the bench's mistake or a broken server: the figures would mean nothing.
    assert!(
        other.is_empty(),
        "open-loop submits: {} of {} failed, e.g. {}",
        other.len(),
        times.len(),
        other[0]
    );
    times.sort();
    let at = |p: f64| crate::scale::percentile(&times, p);
    Figures {
        requests_per_second: times.len() as f64 / wall.as_secs_f64(),
        p50: at(0.5),
        p99: at(0.99),
        max: *times.last().unwrap(),
        requests: times.len() as u64,
        non_2xx: (!refused.is_empty()).then(|| {
            format!(
                "{} of {} refused (429, 503 or a failed connection: the server overloaded)",
                refused.len(),
                times.len()
            )
        }),
        socket_errors: None,
        script_line: None,
    }
}
