//! Small preferences kept in localStorage (gloo); the data and settings live in IndexedDB
//! (`store`). Every key starts with `tierlens.`, so "delete all data" can find them all.

use crate::engine::i18n::Lang;
use gloo::storage::{LocalStorage, Storage};

const PREFIX: &str = "tierlens.";
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

/// Which workspace was open, so a reload returns to it.
pub fn open_workspace() -> Option<String> {
    LocalStorage::get::<String>(OPEN_KEY).ok()
}

pub fn save_open_workspace(id: Option<&str>) {
    match id {
        Some(id) => {
            let _ = LocalStorage::set(OPEN_KEY, id);
        }
        None => LocalStorage::delete(OPEN_KEY),
    }
}

/// Removes every `tierlens.*` key (language, open workspace, saved column mappings...).
pub fn clear_all() {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let count = storage.length().unwrap_or(0);
    let ours: Vec<String> = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(PREFIX))
        .collect();
    for key in ours {
        let _ = storage.remove_item(&key);
    }
}
