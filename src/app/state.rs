//! The app's shared state, provided once by `App`: which dataset is open, the settings, and
//! the analysis of the one under the other. Changing the settings recomputes in the worker;
//! a newer request supersedes an older one, so the last change always wins.

use super::protocol::{AnalysisStep, Overview, Request, Response};
use super::route::{self, Page, Route};
use super::store::{StoreError, StoreRequest, StoreResponse, Workspace, WorkspaceMeta};
use super::{Loaded, bridge, prefs};
use crate::engine::i18n::Lang;
use crate::engine::report::Settings;
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// Settings are saved this long after the last change, so dragging a slider writes once.
const SAVE_DELAY: Duration = Duration::from_millis(400);

#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    pub route: RwSignal<Route>,
    /// The open dataset; `None` on the start screen.
    pub data: RwSignal<Option<Loaded>>,
    /// A dataset is being opened (demo generation, restoring a workspace).
    pub opening: RwSignal<bool>,
    pub settings: RwSignal<Settings>,
    /// The analysis of `data` under `settings`; kept while a newer one is computed, so pages
    /// do not flash empty.
    pub overview: RwSignal<Option<Arc<Overview>>>,
    /// An analysis is under way.
    pub busy: RwSignal<bool>,
    /// The step it has reached.
    pub step: RwSignal<AnalysisStep>,
    /// The stored workspace `data` belongs to; `None` when it could not be stored.
    pub workspace: RwSignal<Option<WorkspaceMeta>>,
    /// A storage problem to show until dismissed.
    pub notice: RwSignal<Option<StoreError>>,
    /// Bumped when the stored workspaces change, so the start screen lists them again.
    pub workspaces_changed: RwSignal<u32>,
    generation: StoredValue<u32>,
    /// Counts open requests: only the latest one's answer is shown.
    opening_ticket: StoredValue<u32>,
    /// The settings last stored (or loaded) for a workspace id: no write when unchanged.
    saved: StoredValue<Option<(String, Settings)>>,
    /// A settings save waiting for its delay: workspace id, settings, timer.
    pending: StoredValue<Option<(String, Settings, TimeoutHandle)>>,
}

impl AppState {
    pub fn new(lang: RwSignal<Lang>, route: RwSignal<Route>) -> Self {
        let state = AppState {
            lang,
            route,
            data: RwSignal::new(None),
            opening: RwSignal::new(false),
            settings: RwSignal::new(Settings::default()),
            overview: RwSignal::new(None),
            busy: RwSignal::new(false),
            step: RwSignal::new(AnalysisStep::Analysing),
            workspace: RwSignal::new(None),
            notice: RwSignal::new(None),
            workspaces_changed: RwSignal::new(0),
            generation: StoredValue::new(0),
            opening_ticket: StoredValue::new(0),
            saved: StoredValue::new(None),
            pending: StoredValue::new(None),
        };
        // Through a memo: a field set to the value it had (a date input's input and change
        // events) must not cost a second analysis.
        let changed = Memo::new(move |_| state.settings.get());
        Effect::new(move |_| {
            let open = state.data.with(Option::is_some);
            let settings = changed.get();
            if open {
                state.analyze(settings);
            }
        });
        // Settings belong to the open workspace: saved there, a moment after they change.
        Effect::new(move |_| {
            let settings = state.settings.get();
            let id = state
                .workspace
                .with_untracked(|w| w.as_ref().map(|w| w.id.clone()));
            let Some(id) = id else { return };
            let unchanged = state
                .saved
                .with_value(|s| s.as_ref().is_some_and(|(i, s)| *i == id && *s == settings));
            if !unchanged {
                state.schedule_save(id, settings);
            }
        });
        state
    }

    /// Shows a newly opened dataset: its old analysis must not linger.
    pub fn open(&self, loaded: Loaded) {
        self.overview.set(None);
        self.opening.set(false);
        self.data.set(Some(loaded));
    }

    pub fn close(&self) {
        // An analysis still running for the closed data must not land on the next one.
        self.generation.update_value(|g| *g += 1);
        self.busy.set(false);
        self.data.set(None);
        self.overview.set(None);
    }

    /// Opens a stored workspace (at start-up, or from the list), closing the current one.
    pub fn open_workspace(&self, id: String) {
        self.close_workspace();
        self.opening.set(true);
        let ticket = self.next_ticket();
        let state = *self;
        let request = Request::Store(StoreRequest::Open { id });
        bridge::call(request, &[], move |response, _| {
            if state.opening_ticket.get_value() != ticket {
                return;
            }
            match response {
                Response::Store(StoreResponse::Opened { workspace, unsaved }) => {
                    state.show_workspace(*workspace, unsaved)
                }
                Response::Store(StoreResponse::Failed(e)) => {
                    state.opening.set(false);
                    prefs::save_open_workspace(None);
                    state.notice.set(Some(e));
                }
                Response::Failed(f) => {
                    state.opening.set(false);
                    state.notice.set(Some(StoreError::Other(f.message)));
                }
                _ => {}
            }
        });
    }

    /// A new workspace from the demo or from the worker's last import, then opened. When it
    /// cannot be stored the data still opens for this session (`unsaved`), with a message;
    /// `imported` is shown if the worker could not even build the workspace.
    pub fn create_workspace(&self, name: String, demo: bool, imported: Option<Loaded>) {
        self.close_workspace();
        self.opening.set(true);
        let ticket = self.next_ticket();
        let state = *self;
        let request = Request::Store(StoreRequest::Create {
            name,
            demo,
            settings: Box::default(),
        });
        bridge::call(request, &[], move |response, _| {
            if state.opening_ticket.get_value() != ticket {
                return;
            }
            match response {
                Response::Store(StoreResponse::Opened { workspace, unsaved }) => {
                    state.show_workspace(*workspace, unsaved)
                }
                Response::Store(StoreResponse::Failed(e)) => {
                    state.notice.set(Some(e));
                    state.opening.set(false);
                    if let Some(loaded) = imported.clone() {
                        state.open(loaded);
                        state.go_to_dashboard();
                    }
                }
                Response::Failed(f) => {
                    state.opening.set(false);
                    state.notice.set(Some(StoreError::Other(f.message)));
                }
                _ => {}
            }
        });
    }

    /// Back to no open data: pending settings are saved first, to the workspace they belong to.
    pub fn close_workspace(&self) {
        self.flush_settings();
        prefs::save_open_workspace(None);
        self.workspace.set(None);
        self.saved.set_value(None);
        self.close();
        self.settings.set(Settings::default());
    }

    /// Closes the open workspace that is about to be deleted: a waiting settings save is
    /// dropped, or it would write the workspace back after the delete.
    pub fn close_deleted_workspace(&self) {
        self.drop_pending_save();
        self.close_workspace();
    }

    /// Forgets a settings change still waiting to be saved (its workspace is going away).
    pub fn drop_pending_save(&self) {
        if let Some((_, _, timer)) = self.take_pending() {
            timer.clear();
        }
    }

    /// After "delete all data": nothing open, nothing pending, nothing stored.
    pub fn forget_everything(&self) {
        self.drop_pending_save();
        self.workspace.set(None);
        self.saved.set_value(None);
        self.close();
        self.settings.set(Settings::default());
        self.notice.set(None);
        prefs::clear_all();
        self.workspaces_changed.update(|n| *n += 1);
    }

    /// The open workspace was renamed (or otherwise re-saved).
    pub fn workspace_saved(&self, meta: &WorkspaceMeta) {
        let current = self
            .workspace
            .with_untracked(|w| w.as_ref().is_some_and(|w| w.id == meta.id));
        if current {
            self.workspace.set(Some(meta.clone()));
            // Only a real rename touches `data`: every reader of it (the page itself) would
            // re-render, losing scroll positions and choices, after each settings save.
            let renamed = self
                .data
                .with_untracked(|d| d.as_ref().is_some_and(|d| d.name != meta.name));
            if renamed {
                self.data.update(|d| {
                    if let Some(d) = d.as_mut() {
                        d.name = meta.name.clone();
                    }
                });
            }
        }
        self.workspaces_changed.update(|n| *n += 1);
    }

    fn next_ticket(&self) -> u32 {
        self.opening_ticket.update_value(|t| *t += 1);
        self.opening_ticket.get_value()
    }

    fn show_workspace(&self, workspace: Workspace, unsaved: Option<StoreError>) {
        let Workspace { meta, settings } = workspace;
        let loaded = Loaded {
            name: meta.name.clone(),
            summary: Arc::new(meta.summary.clone()),
        };
        if unsaved.is_none() {
            prefs::save_open_workspace(Some(&meta.id));
            self.saved
                .set_value(Some((meta.id.clone(), settings.clone())));
            self.workspace.set(Some(meta));
        } else {
            self.notice.set(unsaved);
        }
        // Settings first: the analysis the new data triggers uses this workspace's.
        self.settings.set(settings);
        self.open(loaded);
        self.workspaces_changed.update(|n| *n += 1);
        self.go_to_dashboard();
    }

    fn go_to_dashboard(&self) {
        if self.route.get_untracked().page().is_none() {
            route::navigate(&Route::Page(Page::Dashboard));
        }
    }

    fn take_pending(&self) -> Option<(String, Settings, TimeoutHandle)> {
        let mut taken = None;
        self.pending.update_value(|p| taken = p.take());
        taken
    }

    fn schedule_save(&self, id: String, settings: Settings) {
        if let Some((pending_id, pending, timer)) = self.take_pending() {
            timer.clear();
            if pending_id != id {
                self.send_settings(pending_id, pending);
            }
        }
        let state = *self;
        let timer = set_timeout_with_handle(
            move || {
                if let Some((id, settings, _)) = state.take_pending() {
                    state.send_settings(id, settings);
                }
            },
            SAVE_DELAY,
        );
        match timer {
            Ok(timer) => self.pending.set_value(Some((id, settings, timer))),
            Err(_) => self.send_settings(id, settings),
        }
    }

    /// Saves a waiting settings change now.
    pub fn flush_settings(&self) {
        if let Some((id, settings, timer)) = self.take_pending() {
            timer.clear();
            self.send_settings(id, settings);
        }
    }

    fn send_settings(&self, id: String, settings: Settings) {
        self.saved.set_value(Some((id.clone(), settings.clone())));
        let state = *self;
        let request = Request::Store(StoreRequest::SaveSettings {
            id,
            settings: Box::new(settings),
        });
        bridge::call(request, &[], move |response, _| match response {
            Response::Store(StoreResponse::Saved(meta)) => state.workspace_saved(&meta),
            Response::Store(StoreResponse::Failed(e)) => state.notice.set(Some(e)),
            _ => {}
        });
    }

    fn analyze(&self, settings: Settings) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        self.busy.set(true);
        let state = *self;
        let request = Request::Analyze {
            settings: Box::new(settings),
        };
        bridge::call(request, &[], move |response, _| {
            if state.generation.get_value() != generation {
                return;
            }
            if let Response::Step(step) = response {
                state.step.set(step);
                return;
            }
            state.busy.set(false);
            match response {
                Response::Analyzed(o) => state.overview.set(Some(Arc::new(*o))),
                Response::Failed(f) => web_sys::console::error_1(&f.message.into()),
                _ => {}
            }
        });
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
