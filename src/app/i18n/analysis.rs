//! Texts of the dashboard, tiers and actions pages.

use crate::engine::i18n::Lang;

pub struct AnalysisTexts {
    pub intro: &'static str,
}

pub static ZH: AnalysisTexts = AnalysisTexts { intro: "" };

pub static EN: AnalysisTexts = AnalysisTexts { intro: "" };

pub fn texts(lang: Lang) -> &'static AnalysisTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
