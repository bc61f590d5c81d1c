//! `Vary`: each middleware that makes a response depend on a request header names it here,
//! beside the names others put there, so that caches keep one copy per value of each.

use actix_web::http::header::{HeaderMap, HeaderValue, VARY};

/// Adds `name` to the response's `Vary` (one header line, the names comma-separated), unless it
/// is listed already or `Vary: *` says the response varies by everything.
pub fn add(headers: &mut HeaderMap, name: &'static str) {
    let listed: Vec<String> = headers
        .get_all(VARY)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
        .collect();
    if listed
        .iter()
        .any(|token| token == "*" || token.eq_ignore_ascii_case(name))
    {
        return;
    }
    let value = if listed.is_empty() {
        HeaderValue::from_static(name)
    } else {
        match HeaderValue::from_str(&format!("{}, {name}", listed.join(", "))) {
            Ok(value) => value,
            // Only visible ASCII came in and a static name goes out; keep what was there.
            Err(_) => return,
        }
    };
    headers.insert(VARY, value);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(headers: &HeaderMap) -> Vec<&str> {
        headers.get_all(VARY).map(|v| v.to_str().unwrap()).collect()
    }

    #[test]
    fn names_are_merged_into_one_line_once_each() {
        let mut headers = HeaderMap::new();
        add(&mut headers, "Origin");
        assert_eq!(vary(&headers), ["Origin"]);
        add(&mut headers, "Accept-Language");
        add(&mut headers, "accept-language");
        assert_eq!(vary(&headers), ["Origin, Accept-Language"]);

        // Lines set by others are kept and joined.
        let mut headers = HeaderMap::new();
        headers.append(VARY, HeaderValue::from_static("Accept-Encoding"));
        headers.append(VARY, HeaderValue::from_static("Origin,Cookie"));
        add(&mut headers, "Accept-Language");
        assert_eq!(
            vary(&headers),
            ["Accept-Encoding, Origin, Cookie, Accept-Language"]
        );
    }

    #[test]
    fn a_response_that_varies_by_everything_is_left_alone() {
        let mut headers = HeaderMap::new();
        headers.insert(VARY, HeaderValue::from_static("*"));
        add(&mut headers, "Origin");
        assert_eq!(vary(&headers), ["*"]);
    }
}
