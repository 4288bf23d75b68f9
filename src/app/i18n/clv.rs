//! Texts of the CLV & churn page.

use crate::engine::i18n::Lang;

pub struct ClvTexts {
    pub intro: &'static str,
}

pub static ZH: ClvTexts = ClvTexts { intro: "" };

pub static EN: ClvTexts = ClvTexts { intro: "" };

pub fn texts(lang: Lang) -> &'static ClvTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
