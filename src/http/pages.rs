//! The pages the links in e-mails open (`/verify-email?token=`, `/reset-password?token=`,
//! `/accept-invitation?token=`, `/applications/{id}`), until the web front end serves them: small static pages that call the
//! public API from the browser. They are not API operations, so they stay out of the OpenAPI
//! document; `startup` tells the 405 fallback about their paths (`PATHS`).
//!
//! The links carry one-time tokens, so nothing is cached or sent on as a referrer, and the policy
//! lets the pages load and call only this origin.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// Only this origin's scripts, styles and API; no inline code, no frames, no form posts (the
/// scripts send the forms: without them a form would put a password in the address).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";
const SCRIPT: &str = "text/javascript; charset=utf-8";
const STYLE: &str = "text/css; charset=utf-8";

/// One file served at one path (GET only).
struct Page {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

/// Every page and what the pages load. The pages refer to their files by relative URLs, so that
/// they also work under a path prefix.
const PAGES: [Page; 10] = [
    Page {
        path: "/verify-email",
        content_type: HTML,
        body: include_str!("pages/verify-email.html"),
    },
    Page {
        path: "/reset-password",
        content_type: HTML,
        body: include_str!("pages/reset-password.html"),
    },
    Page {
        path: "/accept-invitation",
        content_type: HTML,
        body: include_str!("pages/accept-invitation.html"),
    },
    // Only ids shaped like a UUID: other paths stay 404, as in the API.
    Page {
        path: "/applications/{id:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}",
        content_type: HTML,
        body: include_str!("pages/application.html"),
    },
    Page {
        path: "/pages/pages.css",
        content_type: STYLE,
        body: include_str!("pages/pages.css"),
    },
    Page {
        path: "/pages/common.js",
        content_type: SCRIPT,
        body: include_str!("pages/common.js"),
    },
    Page {
        path: "/pages/verify-email.js",
        content_type: SCRIPT,
        body: include_str!("pages/verify-email.js"),
    },
    Page {
        path: "/pages/reset-password.js",
        content_type: SCRIPT,
        body: include_str!("pages/reset-password.js"),
    },
    Page {
        path: "/pages/accept-invitation.js",
        content_type: SCRIPT,
        body: include_str!("pages/accept-invitation.js"),
    },
    Page {
        path: "/pages/application.js",
        content_type: SCRIPT,
        body: include_str!("pages/application.js"),
    },
];

/// The path patterns served here, each for GET.
pub fn paths() -> impl Iterator<Item = &'static str> {
    PAGES.iter().map(|page| page.path)
}

/// Registers every page, outside `/api/v1` and the OpenAPI document.
pub fn configure(cfg: &mut web::ServiceConfig) {
    for page in &PAGES {
        // The GET guard goes on the resource, so other methods fall through to the 405 fallback.
        cfg.route(
            page.path,
            web::get().to(move || async move { page.serve() }),
        );
    }
}

impl Page {
    fn serve(&self) -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, self.content_type))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::REFERRER_POLICY, "no-referrer"))
            .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .insert_header((header::X_FRAME_OPTIONS, "DENY"))
            .body(self.body)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The keys of the word list for `language` in a script: the lines `key: "…"` (or
    /// `"key": "…"`) of the block that opens with `language: {`, up to its closing line.
    fn words(script: &str, language: &str) -> BTreeSet<String> {
        let mut lines = script
            .lines()
            .skip_while(|line| line.trim() != format!("{language}: {{"));
        let opening = lines.next().unwrap_or_default();
        let indent = opening.len() - opening.trim_start().len();
        let closing = format!("{}}},", " ".repeat(indent));
        lines
            .take_while(|line| *line != closing)
            .filter(|line| line.len() - line.trim_start().len() == indent + 2)
            .filter_map(|line| line.trim().split_once(':'))
            .map(|(key, _)| key.trim_matches('"').to_owned())
            .collect()
    }

    fn file(path: &str) -> &'static str {
        PAGES
            .iter()
            .find(|page| page.path == path)
            .map(|page| page.body)
            .unwrap_or_default()
    }

    /// The values of `data-t="…"` in a page.
    fn named_words(html: &str) -> BTreeSet<String> {
        html.split("data-t=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_word_is_there_in_both_languages() {
        let common = file("/pages/common.js");
        let common_words = words(common, "\"zh-CN\"");
        assert!(common_words.contains("brand"), "{common_words:?}");
        assert_eq!(common_words, words(common, "en"));
        for (page, script) in [
            ("/verify-email", "/pages/verify-email.js"),
            ("/reset-password", "/pages/reset-password.js"),
            (PAGES[3].path, "/pages/application.js"),
            ("/accept-invitation", "/pages/accept-invitation.js"),
        ] {
            let zh = words(file(script), "\"zh-CN\"");
            let en = words(file(script), "en");
            assert!(
                zh.contains("title") && zh.contains("heading"),
                "{script}: {zh:?}"
            );
            assert_eq!(zh, en, "{script}");
            let known: BTreeSet<String> = common_words.union(&zh).cloned().collect();
            let named = named_words(file(page));
            assert!(named.contains("brand"), "{page}");
            let unknown: Vec<&String> = named.difference(&known).collect();
            assert!(
                unknown.is_empty(),
                "{page} names words no list has: {unknown:?}"
            );
        }
    }
}
