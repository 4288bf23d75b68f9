//! Texts of the RFM, value & loyalty and cohort pages.

use crate::engine::i18n::Lang;

pub struct ScoresTexts {
    pub intro: &'static str,
}

pub static ZH: ScoresTexts = ScoresTexts { intro: "" };

pub static EN: ScoresTexts = ScoresTexts { intro: "" };

pub fn texts(lang: Lang) -> &'static ScoresTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
