//! Who the maker is, as the documents and e-mails people read name it: its legal names in both
//! languages, its USCC, its address and the officer who signs letters of intent for it. Set by
//! the operator (`MAKER_*`, see the README); a fresh install names a fictitious example maker.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::uscc::Uscc;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "legal_name_zh": "江南新能源汽车有限公司",
    "legal_name_en": "Jiangnan New Energy Vehicles Co., Ltd.",
    "uscc": "91310114MA1GT8XK2E",
    "address_zh": "上海市嘉定区安亭镇墨玉南路 888 号",
    "address_en": "888 Moyu South Road, Anting, Jiading District, Shanghai",
    "signatory_name": "陈立 Chen Li",
    "signatory_title_zh": "销售与网络发展副总裁",
    "signatory_title_en": "Vice President, Sales and Network Development"
}))]
pub struct MakerIdentity {
    pub legal_name_zh: String,
    pub legal_name_en: String,
    /// The maker's Unified Social Credit Code.
    pub uscc: String,
    pub address_zh: String,
    pub address_en: String,
    /// Who signs letters of intent for the maker, as the letter prints it.
    pub signatory_name: String,
    pub signatory_title_zh: String,
    pub signatory_title_en: String,
}

impl Default for MakerIdentity {
    /// A fictitious maker, so that a fresh install reads like the real thing.
    fn default() -> Self {
        Self {
            legal_name_zh: "江南新能源汽车有限公司".into(),
            legal_name_en: "Jiangnan New Energy Vehicles Co., Ltd.".into(),
            uscc: "91310114MA1GT8XK2E".into(),
            address_zh: "上海市嘉定区安亭镇墨玉南路 888 号".into(),
            address_en: "888 Moyu South Road, Anting, Jiading District, Shanghai".into(),
            signatory_name: "陈立 Chen Li".into(),
            signatory_title_zh: "销售与网络发展副总裁".into(),
            signatory_title_en: "Vice President, Sales and Network Development".into(),
        }
    }
}

/// The environment variables, each with the field it sets.
pub const VARIABLES: [&str; 8] = [
    "MAKER_LEGAL_NAME_ZH",
    "MAKER_LEGAL_NAME_EN",
    "MAKER_USCC",
    "MAKER_ADDRESS_ZH",
    "MAKER_ADDRESS_EN",
    "MAKER_SIGNATORY_NAME",
    "MAKER_SIGNATORY_TITLE_ZH",
    "MAKER_SIGNATORY_TITLE_EN",
];

impl MakerIdentity {
    /// The identity `var` gives (`VARIABLES`), each unset field the example's; and the
    /// variables left unset. A USCC that is not one is refused; one that is is kept in its
    /// canonical form.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<(Self, Vec<&'static str>)> {
        let mut maker = Self::default();
        let mut unset = Vec::new();
        for (name, field) in VARIABLES.into_iter().zip(maker.fields_mut()) {
            match var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
            {
                Some(value) => *field = value,
                None => unset.push(name),
            }
        }
        maker.uscc = Uscc::parse(&maker.uscc)
            .map_err(|error| anyhow::anyhow!("{error}"))
            .context("MAKER_USCC must be a Unified Social Credit Code")?
            .as_str()
            .to_owned();
        Ok((maker, unset))
    }

    fn fields_mut(&mut self) -> [&mut String; 8] {
        [
            &mut self.legal_name_zh,
            &mut self.legal_name_en,
            &mut self.uscc,
            &mut self.address_zh,
            &mut self.address_en,
            &mut self.signatory_name,
            &mut self.signatory_title_zh,
            &mut self.signatory_title_en,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_names_the_maker_and_a_bad_uscc_is_refused() {
        let (example, unset) = MakerIdentity::from_vars(|_| None).unwrap();
        assert_eq!(example, MakerIdentity::default());
        assert_eq!(unset, VARIABLES);
        let (maker, unset) = MakerIdentity::from_vars(|name| match name {
            "MAKER_LEGAL_NAME_EN" => Some(" Example Motors Ltd. ".into()),
            "MAKER_SIGNATORY_NAME" => Some(String::new()),
            "MAKER_USCC" => Some("91310114ma1gt8xk2e".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(unset.len(), VARIABLES.len() - 2);
        assert!(unset.contains(&"MAKER_SIGNATORY_NAME"));
        assert_eq!(maker.uscc, "91310114MA1GT8XK2E");
        assert_eq!(maker.legal_name_en, "Example Motors Ltd.");
        assert_eq!(maker.signatory_name, example.signatory_name);
        let refused = MakerIdentity::from_vars(|name| {
            (name == "MAKER_USCC").then(|| "91310114MA1GT8XK2A".into())
        });
        assert!(refused.is_err());
    }
}
