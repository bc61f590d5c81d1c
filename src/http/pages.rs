//! The web front end (`web/` in the repository): one page, `index.html`, served at `/` and at
//! every path the single-page app routes itself (among them those the links in e-mails open:
//! `/verify-email?token=`, `/reset-password?token=`, `/accept-invitation?token=`,
//! `/applications/{id}`), and the files it loads under `/assets/{version}/`. Everything is
//! embedded in the binary: no build step, no file system, no network.
//!
//! `{version}` is a hash of every asset, so the files can be cached for good (a new binary
//! with other files has another version) while `index.html` is never stored: its URLs carry
//! one-time tokens, so nothing is cached or sent on as a referrer either. These are not API
//! operations, so they stay out of the OpenAPI document; `startup` tells the 405 fallback
//! about their paths (`paths`).

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// Only this origin's scripts, styles and API; no inline code, no frames, no form posts (the
/// scripts send the forms: without them a form would put a password in the address).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const HTML: &str = "text/html; charset=utf-8";
const SCRIPT: &str = "text/javascript; charset=utf-8";
const STYLE: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// The paths the app routes itself, each answered with `index.html`. Application ids only when
/// shaped like a UUID: other paths stay 404, as in the API.
const APP_PATHS: [&str; 16] = [
    "/",
    "/sign-in",
    "/register",
    "/verify-email",
    "/forgot-password",
    "/reset-password",
    "/accept-invitation",
    "/applications/{id:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}",
    "/applications/{id:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}}/letter",
    "/queue",
    "/group",
    "/group/members",
    "/account",
    "/reports",
    "/admin",
    "/admin/{section:[a-z-]+}",
];

/// Where the assets are served: `{version}` must be the current one.
const ASSETS_PATH: &str = "/assets/{version}/{file:.+}";

/// `index.html`, with `{{root}}` (the relative way back to the app's root from the requested
/// path) and `{{version}}` filled in per request.
const INDEX: &str = include_str!("../../web/index.html");

/// One file under `/assets/{version}/`.
pub struct Asset {
    pub file: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

macro_rules! asset {
    ($file:literal, $content_type:expr) => {
        Asset {
            file: $file,
            content_type: $content_type,
            body: include_bytes!(concat!("../../web/", $file)),
        }
    };
}

/// Every file the app may load. The app's modules import each other by relative URLs.
pub const ASSETS: [Asset; 46] = [
    asset!("app.css", STYLE),
    asset!("app/main.js", SCRIPT),
    asset!("app/i18n.js", SCRIPT),
    asset!("app/words.js", SCRIPT),
    asset!("app/words/common.js", SCRIPT),
    asset!("app/words/applicant.js", SCRIPT),
    asset!("app/words/review.js", SCRIPT),
    asset!("app/words/admin.js", SCRIPT),
    asset!("app/words/reports.js", SCRIPT),
    asset!("app/api.js", SCRIPT),
    asset!("app/router.js", SCRIPT),
    asset!("app/ui.js", SCRIPT),
    asset!("app/auth.js", SCRIPT),
    asset!("app/account.js", SCRIPT),
    asset!("app/applications.js", SCRIPT),
    asset!("app/application.js", SCRIPT),
    asset!("app/cities.js", SCRIPT),
    asset!("app/staff.js", SCRIPT),
    asset!("app/invitation.js", SCRIPT),
    asset!("app/moves.js", SCRIPT),
    asset!("app/eligibility.js", SCRIPT),
    asset!("app/group.js", SCRIPT),
    asset!("app/draft.js", SCRIPT),
    asset!("app/documents.js", SCRIPT),
    asset!("app/messages.js", SCRIPT),
    asset!("app/review.js", SCRIPT),
    asset!("app/letter.js", SCRIPT),
    asset!("app/onboarding.js", SCRIPT),
    asset!("app/reports.js", SCRIPT),
    asset!("app/admin.js", SCRIPT),
    asset!("app/admin/parts.js", SCRIPT),
    asset!("app/admin/cities.js", SCRIPT),
    asset!("app/admin/criteria.js", SCRIPT),
    asset!("app/admin/staff.js", SCRIPT),
    asset!("app/admin/clients.js", SCRIPT),
    asset!("app/admin/webhooks.js", SCRIPT),
    asset!("app/admin/sla.js", SCRIPT),
    asset!("app/admin/rankings.js", SCRIPT),
    asset!("app/admin/groups.js", SCRIPT),
    asset!("app/members.js", SCRIPT),
    asset!("app/settings.js", SCRIPT),
    asset!("vendor/preact.mjs", SCRIPT),
    asset!("vendor/hooks.mjs", SCRIPT),
    asset!("vendor/htm.mjs", SCRIPT),
    asset!("vendor/LICENSE-preact", TEXT),
    asset!("vendor/LICENSE-htm", TEXT),
];

/// The assets' version: the first 16 hex digits of a SHA-256 over every asset's name and bytes.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut hash = Sha256::new();
        for asset in &ASSETS {
            hash.update(asset.file.as_bytes());
            hash.update([0]);
            hash.update((asset.body.len() as u64).to_be_bytes());
            hash.update(asset.body);
        }
        hash.finalize()
            .iter()
            .take(8)
            .map(|byte| format!("{byte:02x}"))
            .collect()
    })
}

/// The path patterns served here, each for GET.
pub fn paths() -> impl Iterator<Item = &'static str> {
    APP_PATHS.into_iter().chain([ASSETS_PATH])
}

/// Registers the app's paths and its assets, outside `/api/v1` and the OpenAPI document.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // The GET guard goes on the resource, so other methods fall through to the 405 fallback.
    for path in APP_PATHS {
        cfg.route(path, web::get().to(index));
    }
    cfg.route(ASSETS_PATH, web::get().to(asset));
}

async fn index(req: HttpRequest) -> HttpResponse {
    let body = INDEX
        .replace("{{root}}", &root_from(req.path()))
        .replace("{{version}}", version());
    headers(HttpResponse::Ok(), HTML)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

async fn asset(path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (requested, file) = path.into_inner();
    let asset = ASSETS
        .iter()
        .find(|asset| asset.file == file && requested == version())
        .ok_or(AppError::NotFound)?;
    Ok(headers(HttpResponse::Ok(), asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(asset.body))
}

/// The headers of every page and file: this origin only, no referrer, no sniffing, no frames.
fn headers(
    mut response: actix_web::HttpResponseBuilder,
    content_type: &str,
) -> actix_web::HttpResponseBuilder {
    response
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
    response
}

/// The relative URL of the app's root seen from `path` (`./` from `/` and `/sign-in`, `../`
/// from `/applications/{id}`), so that the page also works behind a proxy that serves it under a
/// path prefix.
fn root_from(path: &str) -> String {
    let depth = path.matches('/').count().saturating_sub(1);
    if depth == 0 {
        "./".to_owned()
    } else {
        "../".repeat(depth)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_root_is_relative_to_the_requested_path() {
        assert_eq!(root_from("/"), "./");
        assert_eq!(root_from("/sign-in"), "./");
        assert_eq!(root_from("/applications/abc"), "../");
    }

    #[test]
    fn the_version_names_the_assets() {
        assert_eq!(version().len(), 16);
        assert!(version().chars().all(|c| c.is_ascii_hexdigit()));
    }

    /// Every file the app's modules import is served (a missing one would break the app only in
    /// a browser).
    #[test]
    fn every_import_is_an_asset() {
        for asset in ASSETS.iter().filter(|a| a.content_type == SCRIPT) {
            let text = std::str::from_utf8(asset.body).unwrap_or_default();
            let dir = asset.file.rsplit_once('/').map_or("", |(dir, _)| dir);
            let imports = static_imports(text)
                .into_iter()
                .chain(dynamic_imports(text));
            for import in imports {
                let target = resolve(dir, import);
                assert!(
                    ASSETS.iter().any(|a| a.file == target),
                    "{} imports {import} ({target}), which is not an asset",
                    asset.file
                );
            }
        }
    }

    fn text_of(file: &str) -> &'static str {
        ASSETS
            .iter()
            .find(|a| a.file == file)
            .and_then(|a| std::str::from_utf8(a.body).ok())
            .unwrap_or_default()
    }

    /// The dictionaries of `words/`, one per area of the app.
    fn word_files() -> impl Iterator<Item = &'static Asset> {
        ASSETS.iter().filter(|a| a.file.starts_with("app/words/"))
    }

    /// The keys of one language's dictionary in a file of `words/`: the lines `key: "…",` of
    /// the block that opens with `{language}: {`.
    fn keys_in(file: &str, language: &str) -> Vec<String> {
        text_of(file)
            .lines()
            .skip_while(|line| line.trim() != format!("{language}: {{"))
            .skip(1)
            .take_while(|line| line.trim() != "},")
            .filter_map(|line| line.trim().split_once(':'))
            .map(|(key, _)| key.trim_matches('"').to_owned())
            .collect()
    }

    /// Every key of one language, across the files; a key in two files would hide one of them.
    fn words(language: &str) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        for file in word_files() {
            let keys = keys_in(file.file, language);
            assert!(!keys.is_empty(), "{}: no {language} words", file.file);
            for key in keys {
                assert!(
                    all.insert(key.clone()),
                    "{key:?} is in two files ({})",
                    file.file
                );
            }
        }
        all
    }

    /// Both languages have every word, and every word the app asks for (`t("key"` in its
    /// modules, `t("status_" + …)` for each status) is in them.
    #[test]
    fn every_word_is_there_in_both_languages() {
        let zh = words("\"zh-CN\"");
        let en = words("en");
        assert!(zh.contains("brand") && zh.len() > 50, "{zh:?}");
        assert_eq!(zh, en);
        for asset in ASSETS.iter().filter(|a| a.file.starts_with("app/")) {
            for key in asked_for(text_of(asset.file)) {
                assert!(zh.contains(key), "{} asks for {key:?}", asset.file);
            }
        }
        let statuses = text_of("app/staff.js");
        let listed = statuses
            .split("STATUSES = [")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .unwrap_or_default();
        let statuses: Vec<&str> = listed
            .split(',')
            .map(|s| s.trim().trim_matches('"'))
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(statuses.len(), 15, "{statuses:?}");
        for status in statuses {
            assert!(zh.contains(&format!("status_{status}")), "{status}");
        }
    }

    /// The app's modules that `file` loads with it (itself included).
    fn loaded_with(file: &str) -> BTreeSet<String> {
        let mut loaded = BTreeSet::new();
        let mut to_load = vec![file.to_owned()];
        while let Some(file) = to_load.pop() {
            if !file.starts_with("app/") || !loaded.insert(file.clone()) {
                continue;
            }
            let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
            for import in static_imports(text_of(&file)) {
                to_load.push(resolve(&dir, import));
            }
        }
        loaded
    }

    /// The words a module asks for by name (`t("key"`, not `split("`; prefixes like
    /// `t("status_" + …)` aside: the statuses are checked on their own).
    fn asked_for(text: &str) -> Vec<&str> {
        text.match_indices("t(\"")
            .filter(|(at, _)| {
                let before = text[..*at].chars().next_back().unwrap_or(' ');
                !(before.is_alphanumeric() || before == '_' || before == '.')
            })
            .filter_map(|(at, _)| text[at + 3..].split('"').next())
            .filter(|key| !key.ends_with('_'))
            .collect()
    }

    /// The first load and each screen that loads when first opened (`import("…")` in main.js)
    /// bring the dictionaries of every word their modules ask for: a screen never shows a key.
    #[test]
    fn every_screen_brings_its_words() {
        let screens = dynamic_imports(text_of("app/main.js"))
            .into_iter()
            .map(|spec| resolve("app", spec));
        for screen in screens.chain(["app/main.js".to_owned()]) {
            let modules = loaded_with(&screen);
            let words: BTreeSet<String> = modules
                .iter()
                .filter(|file| file.starts_with("app/words/"))
                .flat_map(|file| keys_in(file, "en"))
                .collect();
            for module in &modules {
                for key in asked_for(text_of(module)) {
                    assert!(
                        words.contains(key),
                        "{screen}: {module} asks for {key:?}, whose words it does not load"
                    );
                }
            }
        }
    }

    /// The relative specifiers of a module's static imports (`from "…"`): what loads with it.
    fn static_imports(text: &str) -> Vec<&str> {
        relative(text.split("from").skip(1))
    }

    /// The relative specifiers of a module's dynamic imports (`import("…")`): the screens that
    /// load when first opened.
    fn dynamic_imports(text: &str) -> Vec<&str> {
        relative(text.split("import(").skip(1))
    }

    fn relative<'a>(rests: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        rests
            .filter_map(quoted)
            .filter(|spec| spec.starts_with("./") || spec.starts_with("../"))
            .collect()
    }

    /// The string literal `rest` starts with (after spaces).
    fn quoted(rest: &str) -> Option<&str> {
        let rest = rest.trim_start();
        let quote = rest.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        rest[1..].split(quote).next()
    }

    fn resolve(dir: &str, spec: &str) -> String {
        let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        for part in spec.split('/') {
            match part {
                "." => {}
                ".." => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        parts.join("/")
    }
}
