//! The two languages the portal speaks, and the words of its error messages.

use std::collections::BTreeMap;

use actix_web::HttpRequest;
use actix_web::http::header::{AcceptLanguage, Header};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ProblemCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn parse(tag: &str) -> Option<Self> {
        let tag = tag.to_ascii_lowercase();
        if tag == "zh" || tag.starts_with("zh-") {
            Some(Self::ZhCn)
        } else if tag == "en" || tag.starts_with("en-") {
            Some(Self::En)
        } else {
            None
        }
    }

    /// The caller's preferred language by `Accept-Language`, if it names one we speak.
    pub fn from_request(req: &HttpRequest) -> Option<Self> {
        let header = AcceptLanguage::parse(req).ok()?;
        header
            .ranked()
            .into_iter()
            .find_map(|pref| pref.item().and_then(|tag| Self::parse(tag.as_str())))
    }
}

/// Title and detail of a problem, by its stable code. An exhaustive match, so a new code does
/// not compile until it has its words in both languages.
pub fn problem_text(code: ProblemCode, locale: Locale) -> (&'static str, &'static str) {
    let (en, zh) = match code {
        ProblemCode::ValidationFailed => (
            (
                "Validation failed",
                "One or more fields are invalid; see `errors`.",
            ),
            ("校验失败", "一个或多个字段无效，详见 `errors`。"),
        ),
        ProblemCode::MalformedJson => (
            ("Malformed JSON", "The request body is not valid JSON."),
            ("JSON 格式错误", "请求体不是有效的 JSON。"),
        ),
        ProblemCode::MalformedBody => (
            ("Malformed body", "The request body could not be read."),
            ("请求体格式错误", "无法读取请求体。"),
        ),
        ProblemCode::UnsupportedMediaType => (
            (
                "Unsupported media type",
                "The request body has a content type this operation does not accept.",
            ),
            ("不支持的媒体类型", "此操作不接受该请求体的内容类型。"),
        ),
        ProblemCode::PayloadTooLarge => (
            (
                "Payload too large",
                "The request body is larger than this operation accepts.",
            ),
            ("请求体过大", "请求体超过了此操作允许的大小。"),
        ),
        ProblemCode::Unauthorized => (
            ("Unauthorized", "A valid bearer token is required."),
            ("未认证", "需要有效的访问令牌。"),
        ),
        ProblemCode::InvalidCredentials => (
            (
                "Invalid credentials",
                "The e-mail address or password is wrong.",
            ),
            ("凭据无效", "电子邮件地址或密码错误。"),
        ),
        ProblemCode::InvalidToken => (
            ("Invalid token", "The token is unknown, used or expired."),
            ("令牌无效", "令牌不存在、已使用或已过期。"),
        ),
        ProblemCode::InvalidRefreshToken => (
            (
                "Invalid refresh token",
                "The refresh token is unknown, expired, used or revoked; sign in again.",
            ),
            (
                "刷新令牌无效",
                "刷新令牌不存在、已过期、已使用或已撤销，请重新登录。",
            ),
        ),
        ProblemCode::CannotChangeOwnAccount => (
            (
                "Cannot change your own account",
                "Admins cannot demote or deactivate themselves; ask another admin.",
            ),
            (
                "不能修改自己的账户",
                "管理员不能降低自己的角色或停用自己，请联系其他管理员。",
            ),
        ),
        ProblemCode::Forbidden => (
            ("Forbidden", "You are not allowed to do this."),
            ("禁止访问", "您无权执行此操作。"),
        ),
        ProblemCode::NotFound => (
            (
                "Not found",
                "The resource does not exist or is not visible to you.",
            ),
            ("未找到", "资源不存在或您无权查看。"),
        ),
        ProblemCode::MethodNotAllowed => (
            (
                "Method not allowed",
                "This path does not support this HTTP method.",
            ),
            ("方法不允许", "此路径不支持该 HTTP 方法。"),
        ),
        ProblemCode::EmailTaken => (
            (
                "E-mail address taken",
                "An account with this e-mail address already exists.",
            ),
            ("电子邮件地址已被使用", "已存在使用此电子邮件地址的账户。"),
        ),
        ProblemCode::CityExists => (
            ("City exists", "The plan already has a city with this code."),
            ("城市已存在", "招募计划中已有使用此代码的城市。"),
        ),
        ProblemCode::UsccTaken => (
            (
                "USCC registered",
                "A dealer group with this Unified Social Credit Code is registered already.",
            ),
            (
                "统一社会信用代码已登记",
                "已有使用此统一社会信用代码的经销商集团。",
            ),
        ),
        ProblemCode::AlreadyInGroup => (
            (
                "Already in a group",
                "Your account belongs to a dealer group already.",
            ),
            ("已属于集团", "您的账户已属于一个经销商集团。"),
        ),
        ProblemCode::MalformedCsv => (
            ("Malformed CSV", "The CSV body could not be read."),
            ("CSV 格式错误", "无法读取 CSV 请求体。"),
        ),
        ProblemCode::InvalidTransition => (
            (
                "Not allowed now",
                "The application's state does not allow this action; see `allowed_actions`.",
            ),
            (
                "当前不允许此操作",
                "申请的当前状态不允许此操作，可执行的操作见 `allowed_actions`。",
            ),
        ),
        ProblemCode::EmailNotVerified => (
            (
                "E-mail address not verified",
                "Confirm your e-mail address before submitting.",
            ),
            ("电子邮件地址未验证", "提交前请先验证您的电子邮件地址。"),
        ),
        ProblemCode::CityNotAccepting => (
            (
                "City not taking applications",
                "The city is paused, closed or outside its application window.",
            ),
            (
                "该城市暂不接受申请",
                "该城市已暂停、已关闭或不在申请窗口期内。",
            ),
        ),
        ProblemCode::ApplicationExists => (
            (
                "Application exists",
                "Your group already has a live application for this city.",
            ),
            ("申请已存在", "您的集团在该城市已有进行中的申请。"),
        ),
        ProblemCode::NoDealerGroup => (
            (
                "No dealer group",
                "Register your dealer group before applying.",
            ),
            ("尚未登记集团", "申请前请先登记您的经销商集团。"),
        ),
        ProblemCode::NotEditable => (
            (
                "Not editable",
                "The application can be edited only as a draft or when information is requested.",
            ),
            ("不可编辑", "仅在草稿或待补充材料状态下可编辑申请。"),
        ),
        ProblemCode::ScorecardRequired => (
            (
                "Scorecard required",
                "File at least one scorecard before shortlisting the application.",
            ),
            ("需要评分表", "入围前至少需要提交一份评分表。"),
        ),
        ProblemCode::NotReviewable => (
            (
                "Not in review",
                "Reviewers can be assigned and scorecards filed only while the application is in review.",
            ),
            ("不在审核中", "仅在申请审核期间可以指派评审员和提交评分表。"),
        ),
        ProblemCode::AlreadyAssigned => (
            (
                "Already assigned",
                "This reviewer is assigned to the application already.",
            ),
            ("已指派", "该评审员已被指派审核此申请。"),
        ),
        ProblemCode::QuotaFull => (
            (
                "Quota full",
                "Every place of the city's quota is committed; raise the quota or wait for a place to free up.",
            ),
            (
                "名额已满",
                "该城市的合作名额已全部占用；请提高名额或等待名额释放。",
            ),
        ),
        ProblemCode::DocumentHashMismatch => (
            (
                "Document changed",
                "The SHA-256 you signed is not the letter's; fetch the letter again and sign what it shows.",
            ),
            (
                "文件不一致",
                "您签署的 SHA-256 与意向书不符，请重新获取意向书并按其内容签署。",
            ),
        ),
        ProblemCode::LoiExpired => (
            (
                "Letter of intent expired",
                "The letter of intent has run out and can no longer be signed.",
            ),
            ("合作意向书已过期", "合作意向书已过期，无法再签署。"),
        ),
        ProblemCode::OnboardingIncomplete => (
            (
                "Onboarding incomplete",
                "Every onboarding task must be done before the store is activated.",
            ),
            ("入驻筹备未完成", "所有入驻任务完成后才能开业。"),
        ),
        ProblemCode::NotOnboarding => (
            (
                "Not onboarding",
                "Onboarding tasks can be changed only while the application is onboarding.",
            ),
            ("不在入驻筹备阶段", "仅在入驻筹备阶段可以更新入驻任务。"),
        ),
        ProblemCode::NotAcceptable => (
            (
                "Not acceptable",
                "The letter is available as text/html only.",
            ),
            ("无法提供该格式", "意向书仅提供 text/html 格式。"),
        ),
        ProblemCode::Conflict => (
            (
                "Conflict",
                "The request conflicts with the current state of the resource.",
            ),
            ("冲突", "请求与资源的当前状态冲突。"),
        ),
        ProblemCode::VersionMismatch => (
            (
                "Version mismatch",
                "The resource changed since you read it; read it again and retry.",
            ),
            ("版本不一致", "资源在您读取后已被修改，请重新读取后重试。"),
        ),
        ProblemCode::PreconditionRequired => (
            (
                "Precondition required",
                "Send the version you read in an `If-Match` header.",
            ),
            (
                "缺少前提条件",
                "请在 `If-Match` 请求头中发送您读取到的版本。",
            ),
        ),
        ProblemCode::RateLimited => (
            (
                "Too many requests",
                "Slow down; retry after the time in `Retry-After`.",
            ),
            ("请求过多", "请稍后再试，等待时间见 `Retry-After`。"),
        ),
        ProblemCode::ServiceUnavailable => (
            (
                "Service unavailable",
                "The service cannot answer right now; retry shortly.",
            ),
            ("服务不可用", "服务暂时无法响应，请稍后重试。"),
        ),
        ProblemCode::InternalError => (
            (
                "Internal server error",
                "Something went wrong on our side; quote the request id when you report it.",
            ),
            ("服务器内部错误", "服务器出现问题；反馈时请提供请求编号。"),
        ),
    };
    match locale {
        Locale::En => en,
        Locale::ZhCn => zh,
    }
}

/// The message of one failing field, by the rule it broke.
pub fn field_message(code: &str, params: &BTreeMap<String, String>, locale: Locale) -> String {
    let param = |name: &str| params.get(name).map(String::as_str).unwrap_or("?");
    match (code, locale) {
        ("required", Locale::En) => "is required".into(),
        ("required", Locale::ZhCn) => "为必填项".into(),
        ("invalid_type", Locale::En) => format!("has the wrong type or value: {}", param("detail")),
        ("invalid_type", Locale::ZhCn) => format!("类型或取值错误：{}", param("detail")),
        ("email", Locale::En) => "must be an e-mail address".into(),
        ("email", Locale::ZhCn) => "必须是有效的电子邮件地址".into(),
        ("length", Locale::En) => match (params.get("min"), params.get("max")) {
            (Some(min), Some(max)) => format!("must be {min} to {max} characters long"),
            (Some(min), None) => format!("must be at least {min} characters long"),
            (None, Some(max)) => format!("must be at most {max} characters long"),
            (None, None) => "has the wrong length".into(),
        },
        ("length", Locale::ZhCn) => match (params.get("min"), params.get("max")) {
            (Some(min), Some(max)) => format!("长度必须在 {min} 到 {max} 个字符之间"),
            (Some(min), None) => format!("长度至少为 {min} 个字符"),
            (None, Some(max)) => format!("长度最多为 {max} 个字符"),
            (None, None) => "长度不正确".into(),
        },
        ("range", Locale::En) => match (params.get("min"), params.get("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            (None, None) => "is out of range".into(),
        },
        ("range", Locale::ZhCn) => match (params.get("min"), params.get("max")) {
            (Some(min), Some(max)) => format!("必须在 {min} 到 {max} 之间"),
            (Some(min), None) => format!("不能小于 {min}"),
            (None, Some(max)) => format!("不能大于 {max}"),
            (None, None) => "超出范围".into(),
        },
        ("unknown_city", Locale::En) => "is not a city of the recruitment plan".into(),
        ("unknown_city", Locale::ZhCn) => "不是招募计划中的城市".into(),
        ("division_code", Locale::En) => "must be a six-digit GB/T 2260 division code".into(),
        ("division_code", Locale::ZhCn) => "必须是六位 GB/T 2260 行政区划代码".into(),
        ("window_order", Locale::En) => "must be later than window_opens_at".into(),
        ("window_order", Locale::ZhCn) => "必须晚于 window_opens_at".into(),
        ("uscc_length", Locale::En) => "must have 18 characters".into(),
        ("uscc_length", Locale::ZhCn) => "必须为 18 位".into(),
        ("uscc_character", Locale::En) => {
            "may use only 0-9 and A-Y without I, O, S, V and Z".into()
        }
        ("uscc_character", Locale::ZhCn) => "只能使用 0-9 及除 I、O、S、V、Z 以外的字母".into(),
        ("uscc_check_character", Locale::En) => "has a wrong check character".into(),
        ("uscc_check_character", Locale::ZhCn) => "校验码错误".into(),
        ("mobile_phone", Locale::En) => {
            "must be a mainland mobile number (11 digits from 1, optionally after +86)".into()
        }
        ("mobile_phone", Locale::ZhCn) => {
            "必须是中国大陆手机号（以 1 开头的 11 位数字，可带 +86）".into()
        }
        ("duplicate", Locale::En) => "appears more than once".into(),
        ("duplicate", Locale::ZhCn) => "重复出现".into(),
        ("empty", Locale::En) => "must not be empty".into(),
        ("empty", Locale::ZhCn) => "不能为空".into(),
        ("csv_header", Locale::En) => "must be rank,name,uscc".into(),
        ("csv_header", Locale::ZhCn) => "必须为 rank,name,uscc".into(),
        ("not_ascending", Locale::En) => "must be higher than the tier before".into(),
        ("not_ascending", Locale::ZhCn) => "必须高于前一档".into(),
        ("points_sum", Locale::En) => "the scored rules' max_points must add up to 100".into(),
        ("points_sum", Locale::ZhCn) => "各计分规则的 max_points 之和必须为 100".into(),
        ("webhook_url", Locale::En) => "must be an absolute http or https URL".into(),
        ("webhook_url", Locale::ZhCn) => "必须是完整的 http 或 https 地址".into(),
        ("unresolvable_host", Locale::En) => "names a host that does not resolve".into(),
        ("unresolvable_host", Locale::ZhCn) => "主机名无法解析".into(),
        ("private_target", Locale::En) => {
            "resolves to a loopback, private or link-local address, which webhooks may not reach"
                .into()
        }
        ("private_target", Locale::ZhCn) => {
            "解析到回环、私有或链路本地地址，Webhook 不能访问".into()
        }
        ("use_signature_operation", Locale::En) => {
            "sign_loi happens through POST /api/v1/applications/{id}/loi/signature".into()
        }
        ("use_signature_operation", Locale::ZhCn) => {
            "签署意向书请使用 POST /api/v1/applications/{id}/loi/signature".into()
        }
        ("must_accept", Locale::En) => "must be true to sign".into(),
        ("must_accept", Locale::ZhCn) => "必须为 true 才能签署".into(),
        ("not_a_reviewer_of_city", Locale::En) => {
            "must be an active reviewer of the application's city".into()
        }
        ("not_a_reviewer_of_city", Locale::ZhCn) => "必须是该申请所在城市的在职评审员".into(),
        ("immutable", Locale::En) => "cannot change".into(),
        ("immutable", Locale::ZhCn) => "不可更改".into(),
        ("idempotency_key_reused", Locale::En) => {
            "was used with another request in the last 24 hours".into()
        }
        ("idempotency_key_reused", Locale::ZhCn) => "在 24 小时内已用于另一个请求".into(),
        ("invalid_cursor", Locale::En) => "is not a cursor this server issued".into(),
        ("invalid_cursor", Locale::ZhCn) => "不是本服务签发的游标".into(),
        ("unknown_scope", Locale::En) => "is not a known scope".into(),
        ("unknown_scope", Locale::ZhCn) => "不是已知的权限范围".into(),
        (_, Locale::En) => "is invalid".into(),
        (_, Locale::ZhCn) => "无效".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use strum::IntoEnumIterator;

    use super::*;

    #[test]
    fn locale_tags_map_to_the_two_languages() {
        assert_eq!(Locale::parse("zh-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("zh"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("en-GB"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }

    #[test]
    fn every_problem_code_has_its_own_words_in_both_languages() {
        let mut seen = HashSet::new();
        for code in ProblemCode::iter() {
            let en = problem_text(code, Locale::En);
            let zh = problem_text(code, Locale::ZhCn);
            for text in [en.0, en.1, zh.0, zh.1] {
                assert!(!text.trim().is_empty(), "{code}: empty words");
            }
            assert_ne!(en.0, zh.0, "{code}: the Chinese title is the English one");
            assert_ne!(en.1, zh.1, "{code}: the Chinese detail is the English one");
            for text in [en.0, en.1, zh.0, zh.1] {
                assert!(
                    seen.insert(text),
                    "{code}: {text:?} is another code's words"
                );
            }
        }
    }

    /// The codes are the contract: renaming a variant would change what clients receive.
    #[test]
    fn problem_codes_are_the_published_strings() {
        let codes: Vec<&str> = ProblemCode::iter().map(ProblemCode::as_str).collect();
        assert_eq!(
            codes,
            [
                "validation_failed",
                "malformed_json",
                "malformed_body",
                "malformed_csv",
                "unsupported_media_type",
                "payload_too_large",
                "unauthorized",
                "invalid_credentials",
                "invalid_token",
                "invalid_refresh_token",
                "cannot_change_own_account",
                "forbidden",
                "not_found",
                "method_not_allowed",
                "email_taken",
                "city_exists",
                "uscc_taken",
                "already_in_group",
                "invalid_transition",
                "email_not_verified",
                "city_not_accepting",
                "application_exists",
                "no_dealer_group",
                "not_editable",
                "scorecard_required",
                "not_reviewable",
                "already_assigned",
                "quota_full",
                "document_hash_mismatch",
                "loi_expired",
                "onboarding_incomplete",
                "not_onboarding",
                "not_acceptable",
                "conflict",
                "version_mismatch",
                "precondition_required",
                "rate_limited",
                "service_unavailable",
                "internal_error",
            ]
        );
        assert_eq!(ProblemCode::QuotaFull.to_string(), "quota_full");
    }
}
