//! Texts of the customer table and the 360-degree profile.

use crate::engine::i18n::Lang;

pub struct CustomersTexts {
    pub intro: &'static str,
}

pub static ZH: CustomersTexts = CustomersTexts { intro: "" };

pub static EN: CustomersTexts = CustomersTexts { intro: "" };

pub fn texts(lang: Lang) -> &'static CustomersTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
