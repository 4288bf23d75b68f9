//! Browser tests (wasm-bindgen-test in headless Chromium): formatting, translations,
//! stored preferences and the mounted app.
#![cfg(all(target_arch = "wasm32", feature = "ui"))]

use tierlens::app::{format, i18n, prefs};
use tierlens::engine::i18n::Lang;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn money_is_grouped_and_shortened_per_language() {
    assert_eq!(format::money(1_234_567.4), "¥1,234,567");
    assert_eq!(format::money(-999.5), "-¥1,000");
    assert_eq!(format::money(-0.2), "¥0");
    assert_eq!(format::grouped(1_234.567, 2), "1,234.57");
    assert_eq!(format::money_short(1_235_000.0, Lang::Zh), "¥123.5万");
    assert_eq!(format::money_short(417_770_787.0, Lang::Zh), "¥4.2亿");
    assert_eq!(format::money_short(417_770_787.0, Lang::En), "¥417.8M");
    assert_eq!(format::money_short(-52_300.0, Lang::En), "-¥52.3K");
    assert_eq!(format::money_short(9_999.0, Lang::Zh), "¥9,999");
    assert_eq!(format::money_short(66_171_686.0, Lang::Zh), "¥6,617.2万");
    assert_eq!(format::percent(0.1584), "15.8%");
    assert_eq!(format::count(9_886), "9,886");
}

#[wasm_bindgen_test]
fn both_languages_have_every_text() {
    let zh = i18n::texts(Lang::Zh);
    let en = i18n::texts(Lang::En);
    assert_eq!(zh.use_demo, "使用演示数据");
    assert_eq!(en.use_demo, "Use demo data");
    // The toggle names the *other* language.
    assert_eq!(zh.switch_language, "English");
    assert_eq!(en.switch_language, "中文");
}

#[wasm_bindgen_test]
fn language_choice_survives_in_local_storage() {
    prefs::save_lang(Lang::En);
    assert_eq!(prefs::initial_lang(), Lang::En);
    prefs::save_lang(Lang::Zh);
    assert_eq!(prefs::initial_lang(), Lang::Zh);
    let raw = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(
        raw.get_item("tierlens.lang").unwrap().as_deref(),
        Some("\"zh\"")
    );
}
