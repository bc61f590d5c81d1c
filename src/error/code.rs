//! The stable codes of problems, with their words (title and detail) in both languages.

use strum::{EnumIter, IntoStaticStr};

use crate::i18n::Locale;

/// The stable, machine-readable code of a problem: its `code` and the end of its `type`.
/// Clients branch on these strings, so a variant's name (in snake_case) never changes; every
/// code has its words in both languages (`problem_text`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, IntoStaticStr, EnumIter, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum ProblemCode {
    ValidationFailed,
    Incomplete,
    MalformedJson,
    MalformedBody,
    MalformedCsv,
    UnsupportedMediaType,
    PayloadTooLarge,
    Unauthorized,
    InvalidCredentials,
    InvalidToken,
    InvalidRefreshToken,
    CannotChangeOwnAccount,
    Forbidden,
    InsufficientScope,
    NotFound,
    MethodNotAllowed,
    EmailTaken,
    CityExists,
    UsccTaken,
    AlreadyInGroup,
    InvalidTransition,
    EmailNotVerified,
    AlreadyVerified,
    CityNotAccepting,
    ApplicationExists,
    NoDealerGroup,
    NotEditable,
    TooManyDocuments,
    DocumentsTooLarge,
    ScorecardRequired,
    NotReviewable,
    AlreadyAssigned,
    ScorecardLocked,
    IdentityLocked,
    IdentityNotLocked,
    IdentityChangePending,
    IdentityChangeDecided,
    NoParent,
    AlreadyMember,
    LastOwner,
    InvitationExpired,
    CursorExpired,
    InvitationRevoked,
    InvitationUsed,
    InvitationNotYours,
    QuotaFull,
    DocumentHashMismatch,
    LoiExpired,
    OnboardingIncomplete,
    NotOnboarding,
    NotAcceptable,
    Conflict,
    VersionMismatch,
    PreconditionRequired,
    RateLimited,
    ServiceUnavailable,
    InternalError,
}

impl ProblemCode {
    pub fn as_str(self) -> &'static str {
        self.into()
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
        ProblemCode::Incomplete => (
            (
                "Application incomplete",
                "Something the submission needs is missing or invalid; `errors` lists every field.",
            ),
            (
                "申请不完整",
                "提交所需的部分内容缺失或无效，`errors` 列出了每一个字段。",
            ),
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
        ProblemCode::InsufficientScope => (
            (
                "Insufficient scope",
                "This client's scopes do not cover what it asked for: each event type needs the scope that reading its data needs.",
            ),
            (
                "权限范围不足",
                "该客户端的权限范围不包含所请求的内容：每种事件类型都需要读取其数据所需的权限范围。",
            ),
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
                "Confirm your e-mail address by the link we sent first (submitting an application and joining a group need it).",
            ),
            (
                "电子邮件地址未验证",
                "请先通过我们发送的链接验证您的电子邮件地址（提交申请和加入集团都需要）。",
            ),
        ),
        ProblemCode::AlreadyVerified => (
            (
                "E-mail address already verified",
                "Your e-mail address is verified already; there is nothing to confirm.",
            ),
            (
                "电子邮件地址已验证",
                "您的电子邮件地址已经验证，无需再次确认。",
            ),
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
        ProblemCode::TooManyDocuments => (
            (
                "Too many documents",
                "The application has as many documents as it may have; delete one before adding another.",
            ),
            (
                "文件数量已达上限",
                "该申请的文件数量已达上限；请先删除一个文件再上传。",
            ),
        ),
        ProblemCode::DocumentsTooLarge => (
            (
                "Documents too large",
                "With this file, the application's documents would exceed their total size limit.",
            ),
            (
                "文件总大小超限",
                "加上此文件后，该申请的文件总大小将超过上限。",
            ),
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
        ProblemCode::ScorecardLocked => (
            (
                "Scorecard locked",
                "You have read the other reviewers' scorecards, so your own can no longer change.",
            ),
            (
                "评分表已锁定",
                "您已查看其他评审员的评分表，您自己的评分表不能再修改。",
            ),
        ),
        ProblemCode::IdentityLocked => (
            (
                "Identity locked",
                "The group has submitted an application, so its legal name and USCC change only through an identity change request (`POST /api/v1/dealer-groups/{id}/identity-changes`) that an administrator approves.",
            ),
            (
                "主体信息已锁定",
                "该集团已提交申请，法定名称和统一社会信用代码只能通过主体信息变更申请（`POST /api/v1/dealer-groups/{id}/identity-changes`）修改，并须经管理员批准。",
            ),
        ),
        ProblemCode::IdentityNotLocked => (
            (
                "Identity not locked",
                "The group has not submitted an application yet, so its legal name and USCC change directly by editing the profile.",
            ),
            (
                "主体信息未锁定",
                "该集团尚未提交申请，可直接编辑集团资料修改法定名称和统一社会信用代码。",
            ),
        ),
        ProblemCode::IdentityChangePending => (
            (
                "Identity change pending",
                "The group has an identity change request awaiting a decision; wait for it before asking again.",
            ),
            (
                "主体信息变更待审批",
                "该集团已有一项待审批的主体信息变更申请，请在其审批完成后再提交。",
            ),
        ),
        ProblemCode::IdentityChangeDecided => (
            (
                "Identity change decided",
                "The identity change request has been approved or rejected already.",
            ),
            ("主体信息变更已审批", "该主体信息变更申请已被批准或驳回。"),
        ),
        ProblemCode::NoParent => (
            (
                "No parent company",
                "The group names no parent company, so there is no relation to confirm.",
            ),
            ("未填写母公司", "该集团未填写母公司，没有可确认的关联关系。"),
        ),
        ProblemCode::AlreadyMember => (
            (
                "Already a member",
                "The person with this e-mail address is a member of the group already.",
            ),
            ("已是成员", "使用该电子邮件地址的人已是本集团成员。"),
        ),
        ProblemCode::LastOwner => (
            (
                "Last owner",
                "A group keeps at least one owner: make another member an owner first.",
            ),
            (
                "最后一位所有者",
                "集团至少需要一位所有者，请先将其他成员设为所有者。",
            ),
        ),
        ProblemCode::CursorExpired => (
            (
                "Cursor expired",
                "The changes after this cursor are no longer kept: bring your copy up to date from the lists (`updated_since`), then follow the feed again from its start.",
            ),
            (
                "游标已过期",
                "此游标之后的变更已不再保留：请先通过各列表（`updated_since`）更新本地数据，再从头跟随变更流。",
            ),
        ),
        ProblemCode::InvitationExpired => (
            (
                "Invitation expired",
                "The invitation is no longer valid; ask the group's owner for a new one.",
            ),
            ("邀请已过期", "该邀请已失效，请联系集团所有者重新邀请。"),
        ),
        ProblemCode::InvitationRevoked => (
            (
                "Invitation withdrawn",
                "The group's owner withdrew or replaced this invitation.",
            ),
            ("邀请已撤回", "集团所有者已撤回或替换了该邀请。"),
        ),
        ProblemCode::InvitationUsed => (
            (
                "Invitation already accepted",
                "This invitation has been accepted already; it works once.",
            ),
            ("邀请已被接受", "该邀请已被接受，只能使用一次。"),
        ),
        ProblemCode::InvitationNotYours => (
            (
                "Invitation for another address",
                "The invitation was sent to another e-mail address; sign in with the account of the address it was sent to.",
            ),
            (
                "邀请对象不是您",
                "该邀请发送给了其他电子邮件地址，请使用收到邀请的邮箱所对应的账户登录。",
            ),
        ),
        ProblemCode::QuotaFull => (
            (
                "Quota full",
                "The city's quota has not enough free store points for the letter; raise the quota or wait for places to free up.",
            ),
            (
                "名额已满",
                "该城市剩余的合作名额不足以容纳此意向书的门店数；请提高名额或等待名额释放。",
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

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use strum::IntoEnumIterator;

    use super::*;

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
                "incomplete",
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
                "insufficient_scope",
                "not_found",
                "method_not_allowed",
                "email_taken",
                "city_exists",
                "uscc_taken",
                "already_in_group",
                "invalid_transition",
                "email_not_verified",
                "already_verified",
                "city_not_accepting",
                "application_exists",
                "no_dealer_group",
                "not_editable",
                "too_many_documents",
                "documents_too_large",
                "scorecard_required",
                "not_reviewable",
                "already_assigned",
                "scorecard_locked",
                "identity_locked",
                "identity_not_locked",
                "identity_change_pending",
                "identity_change_decided",
                "no_parent",
                "already_member",
                "last_owner",
                "invitation_expired",
                "invitation_revoked",
                "invitation_used",
                "invitation_not_yours",
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
