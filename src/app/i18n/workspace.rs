//! Texts of workspaces: the list on the start screen, rename, duplicate, delete, export and import.

use crate::engine::i18n::Lang;

pub struct WorkspaceTexts {
    pub intro: &'static str,
}

pub static ZH: WorkspaceTexts = WorkspaceTexts { intro: "" };

pub static EN: WorkspaceTexts = WorkspaceTexts { intro: "" };

pub fn texts(lang: Lang) -> &'static WorkspaceTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
