//! What every mail looks like around its words: both languages, the recipient's first, once as
//! plain text and once as HTML; each language's part signed by the maker's recruitment team,
//! with the maker's legal name and address (and why the mail came) in small print under it. The HTML comes from `templates/layout.html`, which minijinja
//! escapes throughout (by its name), so names and messages that people typed cannot add markup.

use minijinja::Environment;
use serde::Serialize;

use crate::i18n::Locale;

/// Between the languages in the plain-text part.
pub const TEXT_SEPARATOR: &str = "\n\n----------------------------------------\n\n";

/// The template of the HTML part.
pub const HTML_LAYOUT: &str = "layout.html";

/// The languages of a mail to someone who reads `first`, in the order they appear.
pub fn languages(first: Locale) -> [Locale; 2] {
    match first {
        Locale::En => [Locale::En, Locale::ZhCn],
        Locale::ZhCn => [Locale::ZhCn, Locale::En],
    }
}

/// The one link of a mail, and what its button says.
pub struct Link {
    pub url: String,
    pub button: Button,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Button {
    ConfirmAddress,
    ChoosePassword,
    SetPassword,
    OpenApplication,
    OpenGroup,
    OpenQueue,
    JoinGroup,
}

impl Button {
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Self::ConfirmAddress, Locale::En) => "Confirm my address",
            (Self::ConfirmAddress, Locale::ZhCn) => "验证电子邮件地址",
            (Self::ChoosePassword, Locale::En) => "Choose a new password",
            (Self::ChoosePassword, Locale::ZhCn) => "设置新密码",
            (Self::SetPassword, Locale::En) => "Set my password",
            (Self::SetPassword, Locale::ZhCn) => "设置密码",
            (Self::OpenApplication, Locale::En) => "Open the application",
            (Self::OpenApplication, Locale::ZhCn) => "查看申请",
            (Self::OpenGroup, Locale::En) => "Open the group profile",
            (Self::OpenGroup, Locale::ZhCn) => "查看集团资料",
            (Self::OpenQueue, Locale::En) => "Open my queue",
            (Self::OpenQueue, Locale::ZhCn) => "查看我的待审队列",
            (Self::JoinGroup, Locale::En) => "Join the group",
            (Self::JoinGroup, Locale::ZhCn) => "加入集团",
        }
    }
}

/// One language's part of a mail.
#[derive(Debug, Serialize)]
pub struct Section {
    lang: &'static str,
    pub subject: String,
    /// As the template wrote it, for the plain-text part.
    #[serde(skip)]
    body: String,
    paragraphs: Vec<Paragraph>,
    button: Option<&'static str>,
    /// Who signs the part, under its body: the maker's recruitment team.
    signature: Vec<String>,
    /// The small print under the mail in this language: the maker's legal name and address,
    /// and why the mail came.
    footer: Vec<String>,
}

/// A paragraph of the HTML part: lines of text, or the link as a button.
#[derive(Debug, Serialize)]
struct Paragraph {
    lines: Vec<String>,
    link: Option<String>,
}

impl Section {
    /// Reads a part as a template renders it: the subject on the first line, then the body, with
    /// blank lines between paragraphs; a paragraph that is only the link's address becomes the
    /// button.
    pub fn read(locale: Locale, rendered: &str, link: Option<&Link>) -> Self {
        let rendered = rendered.trim();
        let (subject, body) = rendered.split_once('\n').unwrap_or((rendered, ""));
        Self::new(locale, subject, body, link)
    }

    /// A part whose subject and body are given apart.
    pub fn new(locale: Locale, subject: &str, body: &str, link: Option<&Link>) -> Self {
        let body = body.trim();
        let mut paragraphs = Vec::new();
        let mut lines: Vec<String> = Vec::new();
        for line in body.lines().map(str::trim_end).chain([""]) {
            if !line.trim().is_empty() {
                lines.push(line.to_owned());
                continue;
            }
            if lines.is_empty() {
                continue;
            }
            let text = std::mem::take(&mut lines);
            let link = link
                .filter(|link| text.len() == 1 && text[0].trim() == link.url)
                .map(|link| link.url.clone());
            paragraphs.push(Paragraph {
                lines: if link.is_some() { Vec::new() } else { text },
                link,
            });
        }
        Self {
            lang: locale.as_str(),
            subject: subject.trim().to_owned(),
            body: body.to_owned(),
            paragraphs,
            button: link.map(|link| link.button.label(locale)),
            signature: Vec::new(),
            footer: Vec::new(),
        }
    }

    /// The part signed with `signature` and with `footer` under it, each as the `signature.txt`
    /// and `footer.txt` templates render them (a line each, blank lines dropped).
    pub fn signed(self, signature: &str, footer: &str) -> Self {
        let lines = |text: &str| -> Vec<String> {
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Self {
            signature: lines(signature),
            footer: lines(footer),
            ..self
        }
    }
}

/// The plain-text part: each language's subject, body, signature and footer, the recipient's
/// language first.
pub fn text(sections: &[Section]) -> String {
    let parts: Vec<String> = sections
        .iter()
        .map(|section| {
            [
                section.subject.clone(),
                section.body.clone(),
                section.signature.join("\n"),
                section.footer.join("\n"),
            ]
            .into_iter()
            .filter(|paragraph| !paragraph.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
        })
        .collect();
    parts.join(TEXT_SEPARATOR)
}

/// The HTML part, from `layout.html`.
pub fn html(env: &Environment<'_>, sections: &[Section]) -> Result<String, minijinja::Error> {
    env.get_template(HTML_LAYOUT)?
        .render(minijinja::context! { sections })
}
