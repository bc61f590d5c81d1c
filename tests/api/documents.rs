//! Application documents: uploads judged by their bytes, the 10 MiB limit while streaming,
//! downloads with their headers, who sees what, read-only after submission, deletion with
//! content shared between documents, and names that try to leave the upload folder.

use std::path::{Path, PathBuf};

use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use dealer_portal::config::DocumentLimits;

use crate::db_test;
use crate::helpers::*;

const SUZHOU: &str = "320500";
const NINGBO: &str = "330200";
const MIB: usize = 1024 * 1024;

pub fn pdf(body: &str) -> Vec<u8> {
    format!("%PDF-1.7\n{body}\n%%EOF\n").into_bytes()
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend((0..=255u8).rev());
    bytes
}

fn jpeg() -> Vec<u8> {
    let mut bytes = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0".to_vec();
    bytes.extend(0..=255u8);
    bytes.extend(b"\xFF\xD9");
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A file part as a browser sends it: the name in UTF-8, a declared type.
fn file_part(bytes: Vec<u8>, filename: &str, declared: &str) -> Part {
    Part::bytes(bytes)
        .file_name(filename.to_owned())
        .mime_str(declared)
        .unwrap()
}

async fn upload_form(app: &TestApp, token: &str, id: &str, form: Form) -> Response {
    app.request(
        Method::POST,
        &format!("/api/v1/applications/{id}/documents"),
        Some(token),
    )
    // Names in raw UTF-8, as browsers send them (reqwest percent-encodes by default).
    .multipart(form.percent_encode_noop())
    .send()
    .await
    .unwrap()
}

async fn upload(
    app: &TestApp,
    token: &str,
    id: &str,
    kind: &str,
    bytes: Vec<u8>,
    filename: &str,
    declared: &str,
) -> Response {
    let form = Form::new()
        .text("kind", kind.to_owned())
        .part("file", file_part(bytes, filename, declared));
    upload_form(app, token, id, form).await
}

/// Uploads and expects a 201; returns the document.
pub async fn uploaded(
    app: &TestApp,
    token: &str,
    id: &str,
    bytes: Vec<u8>,
    filename: &str,
) -> Value {
    let res = upload(
        app,
        token,
        id,
        "business_license",
        bytes,
        filename,
        "application/pdf",
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    res.json().await.unwrap()
}

async fn list(app: &TestApp, token: &str, id: &str) -> Response {
    app.get(&format!("/api/v1/applications/{id}/documents"), Some(token))
        .await
}

async fn items(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let res = list(app, token, id).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Value>().await.unwrap()["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn download(app: &TestApp, token: &str, id: &str, doc_id: &str) -> Response {
    app.get(
        &format!("/api/v1/applications/{id}/documents/{doc_id}/content"),
        Some(token),
    )
    .await
}

async fn delete(app: &TestApp, token: &str, id: &str, doc_id: &str) -> Response {
    app.delete(
        &format!("/api/v1/applications/{id}/documents/{doc_id}"),
        Some(token),
    )
    .await
}

fn upload_dir(app: &TestApp) -> PathBuf {
    app.state.config.upload_dir.clone()
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Asserts that the upload folder holds exactly the files with these hashes, each at its
/// content-addressed name, and nothing else (no temporary files).
fn assert_stored(app: &TestApp, hashes: &[&str]) {
    let dir = upload_dir(app);
    let mut expected: Vec<PathBuf> = hashes
        .iter()
        .map(|sha| dir.join(&sha[..2]).join(sha))
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(files_under(&dir), expected);
}

db_test!(
    async fn an_owner_uploads_and_reads_back_pdf_png_and_jpeg(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;

        let license = pdf("营业执照 business licence");
        let res = upload(
            app,
            &owner,
            &id,
            "business_license",
            license.clone(),
            "营业执照.pdf",
            "application/pdf",
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let doc: Value = res.json().await.unwrap();
        let doc_id = doc["id"].as_str().unwrap();
        assert_eq!(
            location,
            format!("/api/v1/applications/{id}/documents/{doc_id}")
        );
        assert_eq!(doc["kind"], "business_license");
        assert_eq!(doc["filename"], "营业执照.pdf");
        assert_eq!(doc["content_type"], "application/pdf");
        assert_eq!(doc["size_bytes"], license.len());
        assert_eq!(doc["sha256"], sha256(&license));
        assert!(doc["uploaded_at"].is_string());
        // The Location describes the document.
        let res = app.get(&location, Some(&owner)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.json::<Value>().await.unwrap(), doc);

        // The type is the one in the bytes, whatever the client declares or names it.
        app.clock.advance(chrono::Duration::seconds(1));
        let site = png();
        let res = upload(
            app,
            &owner,
            &id,
            "site_lease",
            site.clone(),
            "site plan",
            "application/octet-stream",
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let site_doc: Value = res.json().await.unwrap();
        assert_eq!(site_doc["content_type"], "image/png");
        app.clock.advance(chrono::Duration::seconds(1));
        let photo = jpeg();
        let res = upload(
            app,
            &owner,
            &id,
            "other",
            photo.clone(),
            "shop.jpg",
            "image/png",
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let photo_doc: Value = res.json().await.unwrap();
        assert_eq!(photo_doc["content_type"], "image/jpeg");

        // Oldest first.
        let listed = items(app, &owner, &id).await;
        assert_eq!(listed, [doc.clone(), site_doc.clone(), photo_doc.clone()]);

        // Byte for byte, with the headers of an attachment.
        for (document, bytes, content_type, disposition) in [
            (
                &doc,
                &license,
                "application/pdf",
                "attachment; filename=\"____.pdf\"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.pdf",
            ),
            (
                &site_doc,
                &site,
                "image/png",
                // No extension: the sniffed type's is added.
                "attachment; filename=\"site plan.png\"; filename*=UTF-8''site%20plan.png",
            ),
            (
                &photo_doc,
                &photo,
                "image/jpeg",
                "attachment; filename=\"shop.jpg\"; filename*=UTF-8''shop.jpg",
            ),
        ] {
            let res = download(app, &owner, &id, document["id"].as_str().unwrap()).await;
            assert_eq!(res.status(), StatusCode::OK);
            let headers = res.headers().clone();
            assert_eq!(headers["content-type"], content_type);
            assert_eq!(headers["content-length"], bytes.len().to_string().as_str());
            assert_eq!(headers["content-disposition"], disposition);
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(
                headers["etag"].to_str().unwrap(),
                format!("\"{}\"", sha256(bytes))
            );
            let body = res.bytes().await.unwrap();
            assert_eq!(&body[..], &bytes[..]);
            assert_eq!(sha256(&body), document["sha256"].as_str().unwrap());
        }

        // A copy that is current is not sent again.
        let res = app
            .request(
                Method::GET,
                &format!("/api/v1/applications/{id}/documents/{doc_id}/content"),
                Some(&owner),
            )
            .header("If-None-Match", format!("\"{}\"", sha256(&license)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

        assert_stored(app, &[&sha256(&license), &sha256(&site), &sha256(&photo)]);
    }
);

db_test!(
    async fn the_type_is_judged_by_the_bytes_not_the_name(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;

        // A text file named and declared as a PDF.
        let fake = b"This is not a PDF, whatever its name says.\n".to_vec();
        let res = upload(app, &owner, &id, "other", fake, "x.pdf", "application/pdf").await;
        assert_problem(
            res,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
        // Nor are other real types.
        let gif = b"GIF89a\x01\0\x01\0\0\0\0;".to_vec();
        let res = upload(app, &owner, &id, "other", gif, "x.png", "image/png").await;
        assert_problem(
            res,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
        // A PDF signature further in does not count.
        let res = upload(
            app,
            &owner,
            &id,
            "other",
            b" %PDF-1.7".to_vec(),
            "x.pdf",
            "application/pdf",
        )
        .await;
        assert_problem(
            res,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;

        // A body that is not multipart at all.
        let res = app
            .post(
                &format!("/api/v1/applications/{id}/documents"),
                Some(&owner),
                &json!({"kind": "other", "file": "JVBERi0xLjc="}),
            )
            .await;
        assert_problem(
            res,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
        // Multipart without a boundary cannot be read.
        let res = app
            .request(
                Method::POST,
                &format!("/api/v1/applications/{id}/documents"),
                Some(&owner),
            )
            .header("content-type", "multipart/form-data")
            .body("kind=other")
            .send()
            .await
            .unwrap();
        assert_problem(res, StatusCode::BAD_REQUEST, "malformed_body").await;

        assert!(items(app, &owner, &id).await.is_empty());
        assert_stored(app, &[]);
    }
);

db_test!(
    async fn ten_mebibytes_pass_and_one_byte_more_is_refused_while_streaming(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;

        let mut too_large = pdf("");
        too_large.resize(10 * MIB + 1, b'x');
        let res = upload(
            app,
            &owner,
            &id,
            "financial_statement",
            too_large,
            "accounts.pdf",
            "application/pdf",
        )
        .await;
        assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
        assert!(items(app, &owner, &id).await.is_empty());
        assert_stored(app, &[]);

        let mut largest = pdf("");
        largest.resize(10 * MIB, b'x');
        let doc = uploaded(app, &owner, &id, largest.clone(), "accounts.pdf").await;
        assert_eq!(doc["size_bytes"], 10 * MIB);
        assert_eq!(doc["sha256"], sha256(&largest));
        let res = download(app, &owner, &id, doc["id"].as_str().unwrap()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(&res.bytes().await.unwrap()[..], &largest[..]);
        assert_eq!(items(app, &owner, &id).await.len(), 1);
        assert_stored(app, &[&sha256(&largest)]);
    }
);

db_test!(
    async fn missing_unknown_or_empty_parts_are_named(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let invalid = |form: Form| async {
            let res = upload_form(app, &owner, &id, form).await;
            let problem =
                assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
            error_codes(&problem)
        };
        let file = || file_part(pdf("x"), "x.pdf", "application/pdf");
        let pair = |field: &str, code: &str| (field.to_owned(), code.to_owned());

        assert_eq!(
            invalid(Form::new().part("file", file())).await,
            [pair("kind", "required")]
        );
        assert_eq!(
            invalid(Form::new().text("kind", "other")).await,
            [pair("file", "required")]
        );
        assert_eq!(
            invalid(Form::new().text("note", "hello")).await,
            [pair("file", "required"), pair("kind", "required")]
        );
        assert_eq!(
            invalid(Form::new().text("kind", "passport").part("file", file())).await,
            [pair("kind", "invalid_type")]
        );
        // The file may come first; an empty one is named too.
        assert_eq!(
            invalid(
                Form::new()
                    .part(
                        "file",
                        file_part(Vec::new(), "empty.pdf", "application/pdf")
                    )
                    .text("kind", "other")
            )
            .await,
            [pair("file", "empty")]
        );
        assert_eq!(
            invalid(
                Form::new()
                    .text("kind", "other")
                    .part("file", file())
                    .part("file", file())
            )
            .await,
            [pair("file", "duplicate")]
        );
        assert!(items(app, &owner, &id).await.is_empty());
        assert_stored(app, &[]);

        // Parts this operation does not know are ignored.
        let form = Form::new()
            .text("comment", "scanned at the notary")
            .part("file", file())
            .text("kind", "other");
        let res = upload_form(app, &owner, &id, form).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
);

db_test!(
    async fn staff_of_the_city_read_documents_and_other_callers_see_nothing(app: TestApp) {
        let admin = app.admin("lead@maker.example").await;
        let suzhou_reviewer = app
            .reviewer(&admin, "suzhou@maker.example", &[SUZHOU])
            .await;
        let ningbo_reviewer = app
            .reviewer(&admin, "ningbo@maker.example", &[NINGBO])
            .await;
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let (stranger, _) = app
            .applicant_with_group("other@dealer.example", "91330200123456787")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let bytes = pdf("licence");
        let doc = uploaded(app, &owner, &id, bytes.clone(), "licence.pdf").await;
        let doc_id = doc["id"].as_str().unwrap();

        // Staff who may read the application read its documents.
        for reader in [&admin, &suzhou_reviewer] {
            assert_eq!(items(app, reader, &id).await, std::slice::from_ref(&doc));
            let res = download(app, reader, &id, doc_id).await;
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(&res.bytes().await.unwrap()[..], &bytes[..]);
            // ... but do not change them.
            let res = upload(
                app,
                reader,
                &id,
                "other",
                pdf("x"),
                "x.pdf",
                "application/pdf",
            )
            .await;
            assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
            assert_problem(
                delete(app, reader, &id, doc_id).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }

        // An integrator with `documents:read` reads them too.
        let res = app
            .post(
                "/api/v1/api-clients",
                Some(&admin),
                &json!({"name": "CRM mirror", "scopes": ["documents:read"]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let client: Value = res.json().await.unwrap();
        let res = app
            .post(
                "/api/v1/auth/token",
                None,
                &json!({"grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"]}),
            )
            .await;
        let integrator = access_token(&res.json::<Value>().await.unwrap());
        assert_eq!(
            items(app, &integrator, &id).await,
            std::slice::from_ref(&doc)
        );
        assert_eq!(
            download(app, &integrator, &id, doc_id).await.status(),
            StatusCode::OK
        );

        // Another group and a reviewer of another city do not know it exists.
        for outsider in [&stranger, &ningbo_reviewer] {
            assert_problem(
                list(app, outsider, &id).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            assert_problem(
                download(app, outsider, &id, doc_id).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            assert_problem(
                app.get(
                    &format!("/api/v1/applications/{id}/documents/{doc_id}"),
                    Some(outsider),
                )
                .await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
            let res = upload(
                app,
                outsider,
                &id,
                "other",
                pdf("x"),
                "x.pdf",
                "application/pdf",
            )
            .await;
            assert_problem(res, StatusCode::NOT_FOUND, "not_found").await;
            assert_problem(
                delete(app, outsider, &id, doc_id).await,
                StatusCode::NOT_FOUND,
                "not_found",
            )
            .await;
        }
        // Without a token: 401.
        assert_eq!(
            app.get(&format!("/api/v1/applications/{id}/documents"), None)
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );

        // A document is reached only through its own application.
        let other_id = app.draft_application(&owner, NINGBO).await;
        assert_problem(
            download(app, &owner, &other_id, doc_id).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            delete(app, &owner, &other_id, doc_id).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert!(items(app, &owner, &other_id).await.is_empty());
        assert_eq!(items(app, &owner, &id).await, [doc]);
    }
);

db_test!(
    async fn documents_are_read_only_once_submitted(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let doc = uploaded(app, &owner, &id, pdf("licence"), "licence.pdf").await;
        let doc_id = doc["id"].as_str().unwrap();
        app.submit(&owner, "owner@dealer.example", "en", &id).await;

        let res = upload(
            app,
            &owner,
            &id,
            "other",
            pdf("late"),
            "late.pdf",
            "application/pdf",
        )
        .await;
        assert_problem(res, StatusCode::CONFLICT, "not_editable").await;
        assert_problem(
            delete(app, &owner, &id, doc_id).await,
            StatusCode::CONFLICT,
            "not_editable",
        )
        .await;
        assert_eq!(items(app, &owner, &id).await, std::slice::from_ref(&doc));
        assert_eq!(
            download(app, &owner, &id, doc_id).await.status(),
            StatusCode::OK
        );
        assert_stored(app, &[doc["sha256"].as_str().unwrap()]);
    }
);

db_test!(
    async fn deleting_removes_the_file_once_nothing_names_it(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let bytes = pdf("the same statement");
        let first = uploaded(app, &owner, &id, bytes.clone(), "2025.pdf").await;
        let second = uploaded(app, &owner, &id, bytes.clone(), "copy of 2025.pdf").await;
        let other = uploaded(app, &owner, &id, pdf("another"), "other.pdf").await;
        // Identical content is stored once.
        assert_eq!(first["sha256"], second["sha256"]);
        assert_stored(app, &[&sha256(&bytes), other["sha256"].as_str().unwrap()]);

        let res = delete(app, &owner, &id, first["id"].as_str().unwrap()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        // The other document still names the bytes.
        assert_stored(app, &[&sha256(&bytes), other["sha256"].as_str().unwrap()]);
        let res = download(app, &owner, &id, second["id"].as_str().unwrap()).await;
        assert_eq!(&res.bytes().await.unwrap()[..], &bytes[..]);

        let res = delete(app, &owner, &id, second["id"].as_str().unwrap()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_stored(app, &[other["sha256"].as_str().unwrap()]);
        assert_eq!(items(app, &owner, &id).await, [other]);

        assert_problem(
            delete(app, &owner, &id, second["id"].as_str().unwrap()).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_problem(
            download(app, &owner, &id, second["id"].as_str().unwrap()).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
);

/// The SQLite database beside the upload folder, whose journal files come and go.
fn is_sqlite_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("portal.db"))
}

db_test!(
    async fn names_that_climb_out_of_the_folder_are_kept_as_plain_names(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let outside = upload_dir(app).parent().unwrap().to_path_buf();
        let before: Vec<_> = files_under(&outside)
            .into_iter()
            .filter(|p| !p.starts_with(upload_dir(app)) && !is_sqlite_file(p))
            .collect();

        let bytes = pdf("root:x:0:0");
        for (sent, kept) in [
            ("../../etc/passwd.pdf", "passwd.pdf"),
            ("..\\..\\windows\\win.ini", "win.ini.pdf"),
            ("/tmp/../../x\ty.pdf", "xy.pdf"),
            ("..", "document.pdf"),
        ] {
            let doc = uploaded(app, &owner, &id, bytes.clone(), sent).await;
            assert_eq!(doc["filename"], kept, "{sent}");
            let res = download(app, &owner, &id, doc["id"].as_str().unwrap()).await;
            assert_eq!(
                res.headers()["content-disposition"],
                format!("attachment; filename=\"{kept}\"; filename*=UTF-8''{kept}").as_str()
            );
        }

        // Only the content-addressed file was written, and nothing beside the upload folder.
        assert_stored(app, &[&sha256(&bytes)]);
        let after: Vec<_> = files_under(&outside)
            .into_iter()
            .filter(|p| !p.starts_with(upload_dir(app)) && !is_sqlite_file(p))
            .collect();
        assert_eq!(before, after);
        assert!(!Path::new("/etc/passwd.pdf").exists());
    }
);

db_test!(
    async fn a_retried_upload_with_the_same_key_is_stored_once(app: TestApp) {
        let (owner, _) = app
            .applicant_with_group("owner@dealer.example", "91320500123456788")
            .await;
        let id = app.draft_application(&owner, SUZHOU).await;
        let send = |name: &'static str| {
            let form = Form::new()
                .text("kind", "site_lease")
                .part("file", file_part(pdf("lease"), name, "application/pdf"));
            app.request(
                Method::POST,
                &format!("/api/v1/applications/{id}/documents"),
                Some(&owner),
            )
            .header("Idempotency-Key", "lease-upload-1")
            .multipart(form)
            .send()
        };
        let first = send("lease.pdf").await.unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let first: Value = first.json().await.unwrap();
        let again = send("lease.pdf").await.unwrap();
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.json::<Value>().await.unwrap(), first);
        assert_eq!(items(app, &owner, &id).await.len(), 1);

        // The same key with another upload is refused.
        let problem = assert_problem(
            send("another name.pdf").await.unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["Idempotency-Key"]);
        assert_eq!(items(app, &owner, &id).await.len(), 1);
        assert_stored(app, &[first["sha256"].as_str().unwrap()]);
    }
);

/// A group's owner and a draft application of the group in Suzhou.
async fn owner_with_draft(app: &TestApp) -> (String, String) {
    let (owner, _) = app
        .applicant_with_group("owner@dealer.example", "91320500123456788")
        .await;
    let id = app.draft_application(&owner, SUZHOU).await;
    (owner, id)
}

db_test!(
    async fn adding_and_removing_a_document_are_audit_events(app: TestApp) {
        let (owner, id) = owner_with_draft(app).await;
        let bytes = pdf("the lease");
        let document = uploaded(app, &owner, &id, bytes.clone(), "lease.pdf").await;
        let doc_id = document["id"].as_str().unwrap();
        assert_eq!(
            delete(app, &owner, &id, doc_id).await.status(),
            StatusCode::NO_CONTENT
        );

        let page = app
            .get_json(&format!("/api/v1/applications/{id}/events"), Some(&owner))
            .await;
        let events = page["items"].as_array().unwrap();
        let actions: Vec<&str> = events
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["create", "upload_document", "delete_document"]);
        for event in &events[1..] {
            assert_eq!(event["actor_role"], "applicant", "{event}");
            assert_eq!(event["to_status"], "draft", "{event}");
            let reason = event["reason"].as_str().unwrap();
            assert!(reason.contains(doc_id), "{reason}");
            assert!(reason.contains(&sha256(&bytes)), "{reason}");
            assert!(reason.contains("lease.pdf"), "{reason}");
        }
    }
);

/// A PDF of exactly `len` bytes.
fn pdf_of(len: usize, fill: u8) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(len, fill);
    bytes
}

async fn an_application_holds_so_many_documents_and_so_many_bytes(backend: Backend) {
    let setup = Setup {
        document_limits: DocumentLimits {
            per_application: 3,
            bytes_per_application: 2000,
        },
        ..Setup::default()
    };
    let Some(app) = TestApp::spawn_with(backend, setup).await else {
        return;
    };
    fill_an_application(&app).await;
    app.finish().await;
}

/// With room for 3 documents and 2000 bytes.
/// Uploads `bytes` and expects the problem `code` (409 `too_many_documents` or 413
/// `documents_too_large`).
async fn refused(app: &TestApp, owner: &str, id: &str, bytes: Vec<u8>, code: &str) {
    let status = match code {
        "too_many_documents" => StatusCode::CONFLICT,
        _ => StatusCode::PAYLOAD_TOO_LARGE,
    };
    let res = upload(
        app,
        owner,
        id,
        "other",
        bytes,
        "more.pdf",
        "application/pdf",
    )
    .await;
    assert_problem(res, status, code).await;
}

async fn fill_an_application(app: &TestApp) {
    let (owner, id) = owner_with_draft(app).await;
    let mut kept = Vec::new();
    for fill in [b'a', b'b', b'c'] {
        kept.push(uploaded(app, &owner, &id, pdf_of(300, fill), "statement.pdf").await);
    }
    // One more is refused, whatever its size, before it is read.
    refused(app, &owner, &id, pdf_of(10, b'd'), "too_many_documents").await;
    assert_eq!(items(app, &owner, &id).await.len(), 3);

    // Room again after a delete, but not for more bytes than are left (2000 - 600).
    let first = kept.remove(0);
    assert_eq!(
        delete(app, &owner, &id, first["id"].as_str().unwrap())
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    refused(app, &owner, &id, pdf_of(1401, b'e'), "documents_too_large").await;
    let hashes: Vec<String> = kept
        .iter()
        .map(|d| d["sha256"].as_str().unwrap().to_owned())
        .collect();
    assert_stored(app, &[&hashes[0], &hashes[1]]);
    // Exactly the room left is fine; then nothing more fits, however small.
    uploaded(app, &owner, &id, pdf_of(1400, b'f'), "f.pdf").await;
    refused(app, &owner, &id, pdf_of(10, b'g'), "too_many_documents").await;
    let last = kept.remove(0);
    delete(app, &owner, &id, last["id"].as_str().unwrap()).await;
    refused(app, &owner, &id, pdf_of(301, b'h'), "documents_too_large").await;
    uploaded(app, &owner, &id, pdf_of(300, b'i'), "i.pdf").await;
    assert_eq!(items(app, &owner, &id).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_holds_so_many_documents_and_so_many_bytes_on_sqlite() {
    an_application_holds_so_many_documents_and_so_many_bytes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_holds_so_many_documents_and_so_many_bytes_on_postgres() {
    an_application_holds_so_many_documents_and_so_many_bytes(Backend::Postgres).await;
}

db_test!(
    async fn a_download_is_sandboxed_and_named_for_what_it_is(app: TestApp) {
        let (owner, id) = owner_with_draft(app).await;
        // A PDF named as a program, a JPEG named as a PNG, a PNG without an extension, and a
        // name that fits already.
        for (bytes, name, kept) in [
            (pdf("the lease"), "lease.exe", "lease.exe.pdf"),
            (jpeg(), "shop.png", "shop.png.jpg"),
            (png(), "plan", "plan.png"),
            (jpeg(), "Shop.JPEG", "Shop.JPEG"),
        ] {
            let document = uploaded(app, &owner, &id, bytes, name).await;
            assert_eq!(document["filename"], kept);
            let res = download(app, &owner, &id, document["id"].as_str().unwrap()).await;
            assert_eq!(res.status(), StatusCode::OK);
            let headers = res.headers();
            assert_eq!(headers["content-security-policy"], "sandbox");
            assert_eq!(headers["x-content-type-options"], "nosniff");
            assert_eq!(
                headers["content-disposition"],
                format!("attachment; filename=\"{kept}\"; filename*=UTF-8''{kept}").as_str()
            );
        }
    }
);
