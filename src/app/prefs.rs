//! Small preferences kept in localStorage (gloo). The data itself goes to IndexedDB later.

use crate::engine::i18n::Lang;
use gloo::storage::{LocalStorage, Storage};

const LANG_KEY: &str = "tierlens.lang";
const OPEN_KEY: &str = "tierlens.open";

/// The stored language, else the browser's preferred one.
pub fn initial_lang() -> Lang {
    LocalStorage::get::<Lang>(LANG_KEY).unwrap_or_else(|_| {
        let tag = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        Lang::from_tag(&tag)
    })
}

pub fn save_lang(lang: Lang) {
    // A full or disabled storage only costs the preference, never the session.
    let _ = LocalStorage::set(LANG_KEY, lang);
}

/// Which dataset was open, so a reload returns to it.
pub fn open_dataset() -> Option<String> {
    LocalStorage::get::<String>(OPEN_KEY).ok()
}

pub fn save_open_dataset(name: Option<&str>) {
    match name {
        Some(name) => {
            let _ = LocalStorage::set(OPEN_KEY, name);
        }
        None => LocalStorage::delete(OPEN_KEY),
    }
}
