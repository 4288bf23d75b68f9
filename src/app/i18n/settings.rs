//! Texts of the settings page and the filter bar.

use crate::engine::i18n::Lang;

pub struct SettingsTexts {
    pub intro: &'static str,
}

pub static ZH: SettingsTexts = SettingsTexts { intro: "" };

pub static EN: SettingsTexts = SettingsTexts { intro: "" };

pub fn texts(lang: Lang) -> &'static SettingsTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
