//! The two languages the portal speaks, and the words of its field errors. (A problem's own
//! words are beside its code, `error::code`.)

use std::collections::BTreeMap;

use actix_web::HttpRequest;
use actix_web::http::header::{AcceptLanguage, Header};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

    /// One of a pair of words, by language: `locale.pick("Draft", "草稿")`.
    pub fn pick<T>(self, en: T, zh: T) -> T {
        match self {
            Self::En => en,
            Self::ZhCn => zh,
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
        ("unknown_province", Locale::En) => {
            "names no province-level division (write its name in English or Chinese, or its GB/T 2260 code)"
                .into()
        }
        ("unknown_province", Locale::ZhCn) => {
            "不是省级行政区（请填写中文或英文名称，或 GB/T 2260 代码）".into()
        }
        ("district_outside_city", Locale::En) => {
            "is not a district or county of the application's city".into()
        }
        ("district_outside_city", Locale::ZhCn) => "不是申请城市下辖的区县".into(),
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
        ("not_for_action", Locale::En) => {
            format!("is not a reason code of this action ({})", param("allowed"))
        }
        ("not_for_action", Locale::ZhCn) => format!("不是此操作的原因代码（{}）", param("allowed")),
        ("not_the_signer", Locale::En) => {
            "must be the signing member's name as on the account (display_name)".into()
        }
        ("not_the_signer", Locale::ZhCn) => "必须与签署成员账户上的姓名（display_name）一致".into(),
        ("not_the_signers_title", Locale::En) => {
            "must be the signing member's title as on record in the group".into()
        }
        ("not_the_signers_title", Locale::ZhCn) => "必须与签署成员在集团中登记的职务一致".into(),
        ("must_accept", Locale::En) => "must be true to sign".into(),
        ("must_accept", Locale::ZhCn) => "必须为 true 才能签署".into(),
        ("not_a_reviewer_of_city", Locale::En) => {
            "must be an active reviewer of the application's city".into()
        }
        ("not_a_reviewer_of_city", Locale::ZhCn) => "必须是该申请所在城市的在职评审员".into(),
        ("not_a_document_of_application", Locale::En) => {
            "is not a document of this application".into()
        }
        ("not_a_document_of_application", Locale::ZhCn) => "不是本申请的文件".into(),
        ("unknown_field", Locale::En) => "is not a field of this request".into(),
        ("unknown_field", Locale::ZhCn) => "不是此请求的字段".into(),
        ("immutable", Locale::En) => "cannot change".into(),
        ("immutable", Locale::ZhCn) => "不可更改".into(),
        ("idempotency_key_reused", Locale::En) => {
            "was used with another request in the last 24 hours".into()
        }
        ("idempotency_key_reused", Locale::ZhCn) => "在 24 小时内已用于另一个请求".into(),
        ("invalid_cursor", Locale::En) => "is not a cursor this server issued".into(),
        ("invalid_cursor", Locale::ZhCn) => "不是本服务签发的游标".into(),
        ("unknown_event_type", Locale::En) => "names an event type that does not exist".into(),
        ("unknown_event_type", Locale::ZhCn) => "包含不存在的事件类型".into(),
        ("unknown_scope", Locale::En) => "is not a known scope".into(),
        ("unknown_scope", Locale::ZhCn) => "不是已知的权限范围".into(),
        (_, Locale::En) => "is invalid".into(),
        (_, Locale::ZhCn) => "无效".into(),
    }
}

/// For the tests of every catalogue of words: each item has words in both languages, not
/// blank, not the same in both, and no two items share theirs.
#[cfg(test)]
pub(crate) fn assert_own_words<T: Copy + std::fmt::Debug>(
    all: &[T],
    words: impl Fn(T, Locale) -> &'static str,
) {
    for locale in [Locale::En, Locale::ZhCn] {
        let said: std::collections::HashSet<&str> =
            all.iter().map(|&item| words(item, locale)).collect();
        assert_eq!(
            said.len(),
            all.len(),
            "{locale:?}: two items share their words"
        );
    }
    for &item in all {
        let (en, zh) = (words(item, Locale::En), words(item, Locale::ZhCn));
        assert!(
            !en.trim().is_empty() && !zh.trim().is_empty(),
            "{item:?}: blank"
        );
        assert_ne!(en, zh, "{item:?}: the Chinese words are the English ones");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags_map_to_the_two_languages() {
        assert_eq!(Locale::parse("zh-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("zh"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("en-GB"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }
}
