//! Hash routes (`#/customers/C001`): back, forward and reload work, and they need no server,
//! so the same bundle runs from a web server and from `file://`.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Dashboard,
    Tiers,
    Rfm,
    Value,
    Clv,
    Cohorts,
    Customers,
    Actions,
    Settings,
}

impl Page {
    pub const ALL: [Page; 9] = [
        Page::Dashboard,
        Page::Tiers,
        Page::Rfm,
        Page::Value,
        Page::Clv,
        Page::Cohorts,
        Page::Customers,
        Page::Actions,
        Page::Settings,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Page::Dashboard => "dashboard",
            Page::Tiers => "tiers",
            Page::Rfm => "rfm",
            Page::Value => "value",
            Page::Clv => "clv",
            Page::Cohorts => "cohorts",
            Page::Customers => "customers",
            Page::Actions => "actions",
            Page::Settings => "settings",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Start,
    Import,
    Page(Page),
    /// The 360-degree profile of the customer with this key.
    Customer(String),
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (head, rest) = path.split_once('/').unwrap_or((path, ""));
        match head {
            "import" => Route::Import,
            "customers" if !rest.is_empty() => Route::Customer(decode(rest)),
            _ => Page::ALL
                .into_iter()
                .find(|p| p.slug() == head)
                .map_or(Route::Start, Route::Page),
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Start => "#/".to_owned(),
            Route::Import => "#/import".to_owned(),
            Route::Page(p) => format!("#/{}", p.slug()),
            Route::Customer(key) => format!("#/customers/{}", encode(key)),
        }
    }

    /// The page the navigation highlights.
    pub fn page(&self) -> Option<Page> {
        match self {
            Route::Page(p) => Some(*p),
            Route::Customer(_) => Some(Page::Customers),
            _ => None,
        }
    }
}

fn encode(key: &str) -> String {
    String::from(js_sys::encode_uri_component(key))
}

fn decode(text: &str) -> String {
    js_sys::decode_uri_component(text).map_or_else(|_| text.to_owned(), String::from)
}

fn location_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// The current route, kept in step with the address bar.
pub fn provide() -> RwSignal<Route> {
    let route = RwSignal::new(Route::parse(&location_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let now = Route::parse(&location_hash());
        if route.get_untracked() != now {
            route.set(now);
        }
    });
    on_cleanup(move || handle.remove());
    provide_context(route);
    route
}

pub fn use_route() -> RwSignal<Route> {
    expect_context::<RwSignal<Route>>()
}

/// Goes to `to`, as a new history entry (the hashchange listener updates the signal).
pub fn navigate(to: &Route) {
    let _ = window().location().set_hash(&to.href());
}

/// Replaces the current history entry, e.g. to leave a page that needs data when none is open.
pub fn redirect(to: &Route) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&to.href()));
    }
    if let Some(route) = use_context::<RwSignal<Route>>() {
        route.set(to.clone());
    }
}
