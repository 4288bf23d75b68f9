//! Texts of workspaces: the list on the start screen, rename, duplicate, delete, export and
//! import, and what to say when browser storage fails.

use crate::app::store::{FileProblem, StoreError};
use crate::engine::i18n::Lang;

pub struct WorkspaceTexts {
    pub list_title: &'static str,
    pub none_yet: &'static str,
    pub open: &'static str,
    pub open_now: &'static str,
    pub rename: &'static str,
    pub name_label: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub duplicate: &'static str,
    /// Appended to a duplicate's name.
    pub copy_suffix: &'static str,
    pub export: &'static str,
    pub delete: &'static str,
    pub delete_question: &'static str,
    pub delete_confirm: &'static str,
    pub source_demo: &'static str,
    pub customers: &'static str,
    pub orders: &'static str,
    pub changed: &'static str,
    pub actions_of: &'static str,
    pub import_file: &'static str,
    pub import_file_hint: &'static str,
    pub imported: &'static str,
    pub delete_all: &'static str,
    pub delete_all_hint: &'static str,
    pub delete_all_question: &'static str,
    pub delete_all_confirm: &'static str,
    pub deleted_all: &'static str,
    pub demo_name: &'static str,
    pub dismiss: &'static str,
    pub unreadable: &'static str,
    // Storage problems.
    pub unavailable: &'static str,
    pub full: &'static str,
    pub newer: &'static str,
    pub newer_version: &'static str,
    pub supported: &'static str,
    pub missing: &'static str,
    pub damaged: &'static str,
    pub bad_file: &'static str,
    pub not_workspace: &'static str,
    pub truncated: &'static str,
    pub other: &'static str,
}

pub static ZH: WorkspaceTexts = WorkspaceTexts {
    list_title: "已保存的工作区",
    none_yet: "还没有保存的工作区。使用演示数据或导入文件后，会自动保存在本浏览器中，每位客户一个工作区。",
    open: "打开",
    open_now: "当前打开",
    rename: "重命名",
    name_label: "工作区名称",
    save: "保存",
    cancel: "取消",
    duplicate: "复制",
    copy_suffix: " 副本",
    export: "导出",
    delete: "删除",
    delete_question: "删除这个工作区及其数据和设置？此操作无法撤销。",
    delete_confirm: "确认删除",
    source_demo: "演示数据",
    customers: "个客户",
    orders: "笔订单",
    changed: "最后修改",
    actions_of: "工作区操作：",
    import_file: "导入工作区文件",
    import_file_hint: "另一台电脑导出的 .tierlens 文件",
    imported: "已导入工作区：",
    delete_all: "删除全部数据",
    delete_all_hint: "删除 TierLens 在本浏览器中保存的所有工作区、数据、设置和偏好。",
    delete_all_question: "删除全部工作区、数据和设置？此操作无法撤销。",
    delete_all_confirm: "全部删除",
    deleted_all: "TierLens 保存的所有数据已删除。",
    demo_name: "演示数据",
    dismiss: "关闭",
    unreadable: "个工作区无法读取：",
    unavailable: "浏览器不允许保存数据（可能是隐私模式或存储已被禁用）。数据可以在本次会话中使用，但不会被保存。",
    full: "浏览器的存储空间已满，这次没有保存。已保存的内容没有改变；删除不用的工作区后可以重试。",
    newer: "这些数据由更新版本的 TierLens 保存，本版本无法读取，请用更新的版本打开。",
    newer_version: "数据格式版本",
    supported: "本版本支持到",
    missing: "找不到这个工作区（可能已在其他标签页中删除）。",
    damaged: "保存的数据已损坏，无法读取：",
    bad_file: "无法导入文件",
    not_workspace: "这不是 TierLens 导出的工作区文件。",
    truncated: "文件不完整（可能没有下载或复制完）。",
    other: "存储出错：",
};

pub static EN: WorkspaceTexts = WorkspaceTexts {
    list_title: "Saved workspaces",
    none_yet: "No saved workspaces yet. Demo data and imported files are saved in this browser automatically, one workspace per client.",
    open: "Open",
    open_now: "Open now",
    rename: "Rename",
    name_label: "Workspace name",
    save: "Save",
    cancel: "Cancel",
    duplicate: "Duplicate",
    copy_suffix: " (copy)",
    export: "Export",
    delete: "Delete",
    delete_question: "Delete this workspace with its data and settings? This cannot be undone.",
    delete_confirm: "Delete it",
    source_demo: "Demo data",
    customers: "customers",
    orders: "orders",
    changed: "Last changed",
    actions_of: "Workspace actions: ",
    import_file: "Import a workspace file",
    import_file_hint: "A .tierlens file exported on another computer",
    imported: "Workspace imported: ",
    delete_all: "Delete all data",
    delete_all_hint: "Removes every workspace, dataset, setting and preference TierLens stored in this browser.",
    delete_all_question: "Delete every workspace, dataset and setting? This cannot be undone.",
    delete_all_confirm: "Delete everything",
    deleted_all: "Everything TierLens stored has been deleted.",
    demo_name: "Demo data",
    dismiss: "Dismiss",
    unreadable: " workspace(s) could not be read: ",
    unavailable: "The browser does not allow storing data (private mode or storage disabled). The data can be used in this session but is not saved.",
    full: "The browser's storage for this site is full, so this was not saved. What was saved before is unchanged; delete workspaces you no longer need and try again.",
    newer: "This was saved by a newer TierLens and cannot be read by this version; open it with the newer version.",
    newer_version: "data format version",
    supported: "this version reads up to",
    missing: "This workspace no longer exists (deleted in another tab?).",
    damaged: "The stored data is damaged and cannot be read: ",
    bad_file: "Cannot import the file",
    not_workspace: "It is not a workspace file exported by TierLens.",
    truncated: "The file is incomplete (not fully downloaded or copied?).",
    other: "Storage error: ",
};

pub fn texts(lang: Lang) -> &'static WorkspaceTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// What went wrong with browser storage or a workspace file, in the user's language.
pub fn store_error(error: &StoreError, lang: Lang) -> String {
    let t = texts(lang);
    let newer = |found: Option<u32>, supported: u32| match found {
        Some(found) => format!(
            "{} ({} {found}, {} {supported})",
            t.newer, t.newer_version, t.supported
        ),
        None => t.newer.to_owned(),
    };
    match error {
        StoreError::Unavailable(_) => t.unavailable.to_owned(),
        StoreError::Full => t.full.to_owned(),
        StoreError::Newer { found, supported } => newer(*found, *supported),
        StoreError::Missing => t.missing.to_owned(),
        StoreError::Damaged(detail) => format!("{}{detail}", t.damaged),
        StoreError::BadFile { file, problem } => {
            let why = match problem {
                FileProblem::NotWorkspace => t.not_workspace.to_owned(),
                FileProblem::Truncated => t.truncated.to_owned(),
                FileProblem::Newer { found, supported } => newer(Some(*found), *supported),
                FileProblem::Damaged(detail) => format!("{}{detail}", t.damaged),
            };
            let colon = if lang == Lang::Zh { "：" } else { ": " };
            format!("{} “{file}”{colon}{why}", t.bad_file)
        }
        StoreError::Other(detail) => format!("{}{detail}", t.other),
    }
}
