//! The app's shared state, provided once by `App`: which dataset is open, the settings, and
//! the analysis of the one under the other. Changing the settings recomputes in the worker;
//! a newer request supersedes an older one, so the last change always wins.

use super::protocol::{Overview, Request, Response};
use super::route::Route;
use super::{Loaded, bridge};
use crate::engine::i18n::Lang;
use crate::engine::report::Settings;
use leptos::prelude::*;
use std::sync::Arc;

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
    generation: StoredValue<u32>,
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
            generation: StoredValue::new(0),
        };
        Effect::new(move |_| {
            let open = state.data.with(Option::is_some);
            let settings = state.settings.get();
            if open {
                state.analyze(settings);
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
        self.data.set(None);
        self.overview.set(None);
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
