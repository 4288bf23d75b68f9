//! Workspaces kept in the browser: one per client of a consultant, each with its own data and
//! settings, in IndexedDB (localStorage holds only a few megabytes and strings).
//!
//! Layout: database `tierlens` (IndexedDB version [`DB_VERSION`]) with two object stores keyed
//! by workspace id:
//! - `workspaces`: `{ schema, json }`, the JSON of a [`Workspace`] (metadata and settings), small
//!   enough to list every workspace without touching the data;
//! - `datasets`: `{ schema, bytes }`, the dataset as postcard bytes (`protocol::encode_dataset`).
//!   The demo has none: it is regenerated from `engine::demo`, which is deterministic.
//!
//! Every record carries the [`SCHEMA`] it was written with and is checked when read: a newer
//! one is refused with a message (never decoded into garbage), an older one goes through
//! [`migrate_workspace`] / [`migrate_dataset`]. Postcard is not self-describing, so any change
//! to `engine::model::Dataset`'s fields changes the bytes: bump [`SCHEMA`] and decode the old
//! layout in [`migrate_dataset`] (a test pins the bytes of a small dataset to catch this).
//! A workspace and its dataset are written in one transaction, so a failed write (quota,
//! private mode) leaves what was stored before untouched.
//!
//! The storage runs in the engine worker, where the dataset lives; the page asks through
//! [`StoreRequest`]. The same records go into an exported `.tierlens` file ([`encode_file`]).

use crate::engine::model::Dataset;
use crate::engine::report::Settings;
use crate::engine::summary::Summary;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbFactory, IdbObjectStore, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode, IdbVersionChangeEvent,
};

/// Version of what the records hold (workspace JSON, dataset bytes, the export file's content).
pub const SCHEMA: u32 = 1;
pub const DB_NAME: &str = "tierlens";
/// IndexedDB's own version: which object stores exist.
const DB_VERSION: u32 = 1;
const WORKSPACES: &str = "workspaces";
const DATASETS: &str = "datasets";

/// Where a workspace's data came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Source {
    /// The built-in demo, regenerated when opened.
    Demo,
    /// Imported files: orders, then customers and interactions when given.
    Files(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceMeta {
    pub id: String,
    pub name: String,
    /// Milliseconds since 1970 (JS time).
    pub created_ms: f64,
    pub updated_ms: f64,
    pub source: Source,
    /// Headline figures, so the start screen lists workspaces without loading their data.
    pub summary: Summary,
}

/// What the `workspaces` store holds for one workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub meta: WorkspaceMeta,
    pub settings: Settings,
}

/// Why storage did not do what was asked; the page words it per language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StoreError {
    /// IndexedDB is missing or refused (private mode, disabled storage).
    Unavailable(String),
    /// The browser's quota for this site is used up.
    Full,
    /// Written by a newer TierLens; `found` is `None` when only the database says so.
    Newer {
        found: Option<u32>,
        supported: u32,
    },
    /// No workspace with this id (deleted in another tab, say).
    Missing,
    /// A stored record that cannot be read.
    Damaged(String),
    /// A chosen `.tierlens` file that cannot be read.
    BadFile {
        file: String,
        problem: FileProblem,
    },
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FileProblem {
    /// Does not start with the TierLens signature.
    NotWorkspace,
    /// Cut short: fewer bytes than the header announces.
    Truncated,
    /// A newer container format or content schema.
    Newer { found: u32, supported: u32 },
    /// The parts are there but do not decode or do not hold together.
    Damaged(String),
}

/// Storage work the page asks the worker for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum StoreRequest {
    List,
    /// A new workspace from the demo, or from the worker's last import.
    Create {
        name: String,
        demo: bool,
        settings: Box<Settings>,
    },
    /// Makes the workspace's data the worker's dataset.
    Open {
        id: String,
    },
    SaveSettings {
        id: String,
        settings: Box<Settings>,
    },
    Rename {
        id: String,
        name: String,
    },
    Duplicate {
        id: String,
        name: String,
    },
    Delete {
        id: String,
    },
    /// Removes the whole database.
    DeleteAll,
    /// The workspace as a `.tierlens` file, attached to the answer.
    Export {
        id: String,
    },
    /// Adds the attached `.tierlens` file as a new workspace.
    Import {
        file: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum StoreResponse {
    Listed {
        workspaces: Vec<WorkspaceMeta>,
        /// Records that could not be read (e.g. from a newer release); the rest still list.
        unreadable: Vec<StoreError>,
    },
    /// The worker's dataset is now this workspace's; `unsaved` says why it is not stored.
    Opened {
        workspace: Box<Workspace>,
        unsaved: Option<StoreError>,
    },
    Saved(Box<WorkspaceMeta>),
    Deleted,
    /// The file's bytes are attached.
    Exported {
        file_name: String,
    },
    Failed(StoreError),
}

thread_local! {
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

fn factory() -> Result<IdbFactory, StoreError> {
    // `indexedDB` on the window and in workers alike.
    let value = Reflect::get(&js_sys::global(), &"indexedDB".into())
        .map_err(|e| StoreError::Unavailable(describe(&e)))?;
    if value.is_null() || value.is_undefined() {
        return Err(StoreError::Unavailable("no IndexedDB".into()));
    }
    Ok(value.unchecked_into())
}

fn describe(e: &JsValue) -> String {
    if let Some(d) = e.dyn_ref::<DomException>() {
        return format!("{}: {}", d.name(), d.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Maps a DOM error to what the user can act on.
fn classify(e: &JsValue) -> StoreError {
    match e.dyn_ref::<DomException>().map(|d| d.name()).as_deref() {
        Some("QuotaExceededError") => StoreError::Full,
        Some("VersionError") => StoreError::Newer {
            found: None,
            supported: SCHEMA,
        },
        Some("InvalidStateError" | "SecurityError" | "UnknownError") => {
            StoreError::Unavailable(describe(e))
        }
        _ => StoreError::Other(describe(e)),
    }
}

/// Resolves with the request's result once it succeeds.
async fn wait(request: &IdbRequest) -> Result<JsValue, StoreError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(|e| classify(&e)),
        Err(event) => Err(match request.error() {
            Ok(Some(e)) => classify(&e.into()),
            _ => classify(&event),
        }),
    }
}

/// Resolves when the transaction has committed: only then is a write on disk.
async fn committed(tx: &IdbTransaction) -> Result<(), StoreError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    match outcome {
        Ok(_) => Ok(()),
        Err(event) => Err(match tx.error() {
            Some(e) => classify(&e.into()),
            None => classify(&event),
        }),
    }
}

/// The open database, opened once. With `create` false a missing database is not created
/// (`None`), so listing an empty browser leaves it empty.
async fn database(create: bool) -> Result<Option<IdbDatabase>, StoreError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(Some(db));
    }
    let request: IdbOpenDbRequest = factory()?
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(|e| classify(&e))?;
    let upgrading = request.clone();
    let on_upgrade =
        Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |event: IdbVersionChangeEvent| {
            let Ok(result) = upgrading.result() else {
                return;
            };
            let db: IdbDatabase = result.unchecked_into();
            if event.old_version() == 0.0 && !create {
                if let Some(tx) = upgrading.transaction() {
                    let _ = tx.abort();
                }
                return;
            }
            // Version 0 -> 1: the two stores. Later versions add their steps here.
            let names = db.object_store_names();
            for store in [WORKSPACES, DATASETS] {
                if !names.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let outcome = wait(&request).await;
    request.set_onupgradeneeded(None);
    drop(on_upgrade);
    let db: IdbDatabase = match outcome {
        Ok(db) => db.unchecked_into(),
        // The upgrade was aborted above: there is no database yet.
        Err(StoreError::Other(m)) if !create && m.starts_with("AbortError") => return Ok(None),
        Err(e) => return Err(e),
    };
    // Another tab deleting or upgrading the database must not wait for this connection.
    let closing = db.clone();
    let on_change = Closure::<dyn FnMut()>::new(move || {
        closing.close();
        DB.with(|d| d.borrow_mut().take());
    });
    db.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(Some(db))
}

async fn writable() -> Result<IdbDatabase, StoreError> {
    database(true)
        .await?
        .ok_or_else(|| StoreError::Unavailable("IndexedDB was not created".into()))
}

fn transaction(
    db: &IdbDatabase,
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, IdbObjectStore, IdbObjectStore), StoreError> {
    let names: js_sys::Array = [WORKSPACES, DATASETS]
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect();
    let tx = db
        .transaction_with_str_sequence_and_mode(&names, mode)
        .map_err(|e| classify(&e))?;
    let workspaces = tx.object_store(WORKSPACES).map_err(|e| classify(&e))?;
    let datasets = tx.object_store(DATASETS).map_err(|e| classify(&e))?;
    Ok((tx, workspaces, datasets))
}

fn record(schema: u32, field: &str, body: &JsValue) -> JsValue {
    let obj = Object::new();
    let _ = Reflect::set(&obj, &"schema".into(), &schema.into());
    let _ = Reflect::set(&obj, &field.into(), body);
    obj.into()
}

/// The schema and body of a stored record; a newer schema is refused here.
fn open_record(value: &JsValue, field: &str) -> Result<(u32, JsValue), StoreError> {
    let schema = Reflect::get(value, &"schema".into())
        .ok()
        .and_then(|s| s.as_f64())
        .ok_or_else(|| StoreError::Damaged("record without a schema version".into()))?
        as u32;
    if schema > SCHEMA {
        return Err(StoreError::Newer {
            found: Some(schema),
            supported: SCHEMA,
        });
    }
    let body = Reflect::get(value, &field.into())
        .map_err(|_| StoreError::Damaged(format!("record without {field}")))?;
    Ok((schema, body))
}

/// A workspace record as stored: `{ schema, json }`.
pub fn workspace_record(workspace: &Workspace) -> JsValue {
    let json = serde_json::to_string(workspace).expect("workspaces serialise");
    record(SCHEMA, "json", &json.into())
}

pub fn read_workspace_record(value: &JsValue) -> Result<Workspace, StoreError> {
    let (schema, body) = open_record(value, "json")?;
    let json = body
        .as_string()
        .ok_or_else(|| StoreError::Damaged("workspace record without JSON".into()))?;
    let value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| StoreError::Damaged(e.to_string()))?;
    serde_json::from_value(migrate_workspace(schema, value)?)
        .map_err(|e| StoreError::Damaged(e.to_string()))
}

/// A dataset record as stored: `{ schema, bytes }`.
pub fn dataset_record(bytes: &[u8]) -> JsValue {
    record(SCHEMA, "bytes", &Uint8Array::from(bytes).into())
}

pub fn read_dataset_record(value: &JsValue) -> Result<Vec<u8>, StoreError> {
    let (schema, body) = open_record(value, "bytes")?;
    let bytes = body
        .dyn_into::<Uint8Array>()
        .map_err(|_| StoreError::Damaged("dataset record without bytes".into()))?
        .to_vec();
    migrate_dataset(schema, bytes)
}

/// Brings a workspace's JSON written under `schema` to the current [`SCHEMA`]. Each release
/// that changes the layout adds its step (`1 => rename a field`, ...) and bumps `SCHEMA`.
pub fn migrate_workspace(
    schema: u32,
    value: serde_json::Value,
) -> Result<serde_json::Value, StoreError> {
    match schema {
        SCHEMA => Ok(value),
        older => Err(StoreError::Damaged(format!("unknown schema {older}"))),
    }
}

/// Brings dataset bytes written under `schema` to the current layout (decode the old
/// struct, convert, re-encode).
pub fn migrate_dataset(schema: u32, bytes: Vec<u8>) -> Result<Vec<u8>, StoreError> {
    match schema {
        SCHEMA => Ok(bytes),
        older => Err(StoreError::Damaged(format!("unknown schema {older}"))),
    }
}

/// Every readable workspace, by last change (newest first), and what could not be read.
pub async fn list() -> Result<(Vec<WorkspaceMeta>, Vec<StoreError>), StoreError> {
    let Some(db) = database(false).await? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let (_tx, workspaces, _) = transaction(&db, IdbTransactionMode::Readonly)?;
    let all = wait(&workspaces.get_all().map_err(|e| classify(&e))?).await?;
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for value in js_sys::Array::from(&all).iter() {
        match read_workspace_record(&value) {
            Ok(w) => good.push(w.meta),
            Err(e) => bad.push(e),
        }
    }
    good.sort_by(|a: &WorkspaceMeta, b| b.updated_ms.total_cmp(&a.updated_ms));
    Ok((good, bad))
}

/// A workspace without its dataset: settings saves and renames need not read megabytes.
pub async fn load_workspace(id: &str) -> Result<Workspace, StoreError> {
    let db = database(false).await?.ok_or(StoreError::Missing)?;
    let (_tx, workspaces, _) = transaction(&db, IdbTransactionMode::Readonly)?;
    let request = workspaces
        .get(&JsValue::from_str(id))
        .map_err(|e| classify(&e))?;
    let value = wait(&request).await?;
    if value.is_undefined() {
        return Err(StoreError::Missing);
    }
    read_workspace_record(&value)
}

/// A workspace and its dataset bytes (`None` for the demo).
pub async fn load(id: &str) -> Result<(Workspace, Option<Vec<u8>>), StoreError> {
    let db = database(false).await?.ok_or(StoreError::Missing)?;
    let (_tx, workspaces, datasets) = transaction(&db, IdbTransactionMode::Readonly)?;
    let key = JsValue::from_str(id);
    let ws_request = workspaces.get(&key).map_err(|e| classify(&e))?;
    let ds_request = datasets.get(&key).map_err(|e| classify(&e))?;
    let ws = wait(&ws_request).await?;
    let ds = wait(&ds_request).await?;
    if ws.is_undefined() {
        return Err(StoreError::Missing);
    }
    let workspace = read_workspace_record(&ws)?;
    let bytes = if ds.is_undefined() {
        None
    } else {
        Some(read_dataset_record(&ds)?)
    };
    if bytes.is_none() && workspace.meta.source != Source::Demo {
        return Err(StoreError::Damaged(
            "the workspace's data is missing".into(),
        ));
    }
    Ok((workspace, bytes))
}

/// Writes a workspace, and its dataset when given, in one transaction: all or nothing.
pub async fn save(workspace: &Workspace, dataset: Option<&[u8]>) -> Result<(), StoreError> {
    let db = writable().await?;
    let (tx, workspaces, datasets) = transaction(&db, IdbTransactionMode::Readwrite)?;
    let key = JsValue::from_str(&workspace.meta.id);
    let put = workspaces.put_with_key(&workspace_record(workspace), &key);
    let put = put.and_then(|_| match dataset {
        Some(bytes) => datasets
            .put_with_key(&dataset_record(bytes), &key)
            .map(|_| ()),
        None => Ok(()),
    });
    if let Err(e) = put {
        let _ = tx.abort();
        return Err(classify(&e));
    }
    committed(&tx).await
}

/// Removes a workspace and its dataset.
pub async fn delete(id: &str) -> Result<(), StoreError> {
    let Some(db) = database(false).await? else {
        return Ok(());
    };
    let (tx, workspaces, datasets) = transaction(&db, IdbTransactionMode::Readwrite)?;
    let key = JsValue::from_str(id);
    let deleted = workspaces
        .delete(&key)
        .and_then(|_| datasets.delete(&key))
        .map_err(|e| classify(&e));
    if let Err(e) = deleted {
        let _ = tx.abort();
        return Err(e);
    }
    committed(&tx).await
}

/// Deletes the whole database (every workspace and dataset).
pub async fn delete_all() -> Result<(), StoreError> {
    if let Some(db) = DB.with(|d| d.borrow_mut().take()) {
        db.close();
    }
    let request = factory()?
        .delete_database(DB_NAME)
        .map_err(|e| classify(&e))?;
    wait(&request).await.map(|_| ())
}

/// A fresh workspace id: time and randomness, unique enough for one browser.
pub fn new_id() -> String {
    let random = (js_sys::Math::random() * 1e9) as u64;
    format!("w{:x}{random:08x}", js_sys::Date::now() as u64)
}

// ---- The `.tierlens` export file -------------------------------------------------------------

/// The first bytes of every workspace file.
pub const FILE_MAGIC: &[u8; 8] = b"TIERLENS";
/// Version of the container: magic, version, header length, header JSON, dataset bytes.
pub const FILE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct FileHeader {
    /// The content's [`SCHEMA`], migrated like stored records.
    schema: u32,
    workspace: serde_json::Value,
    dataset_len: u64,
}

/// One workspace as a file: `TIERLENS`, format version (u32 LE), header length (u32 LE),
/// header JSON (schema, workspace, dataset length), then the dataset's postcard bytes.
pub fn encode_file(workspace: &Workspace, dataset: Option<&[u8]>) -> Vec<u8> {
    let dataset = dataset.unwrap_or_default();
    let header = FileHeader {
        schema: SCHEMA,
        workspace: serde_json::to_value(workspace).expect("workspaces serialise"),
        dataset_len: dataset.len() as u64,
    };
    let header = serde_json::to_vec(&header).expect("headers serialise");
    let mut out = Vec::with_capacity(16 + header.len() + dataset.len());
    out.extend_from_slice(FILE_MAGIC);
    out.extend_from_slice(&FILE_VERSION.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(dataset);
    out
}

/// Reads a workspace file back; the dataset is checked to decode and hold together.
pub fn decode_file(bytes: &[u8]) -> Result<(Workspace, Option<Vec<u8>>), FileProblem> {
    if bytes.len() < FILE_MAGIC.len() || &bytes[..FILE_MAGIC.len()] != FILE_MAGIC {
        return Err(FileProblem::NotWorkspace);
    }
    let u32_at = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")))
            .ok_or(FileProblem::Truncated)
    };
    let version = u32_at(8)?;
    if version > FILE_VERSION {
        return Err(FileProblem::Newer {
            found: version,
            supported: FILE_VERSION,
        });
    }
    let header_len = u32_at(12)? as usize;
    let header = bytes
        .get(16..16 + header_len)
        .ok_or(FileProblem::Truncated)?;
    let header: FileHeader =
        serde_json::from_slice(header).map_err(|e| FileProblem::Damaged(e.to_string()))?;
    if header.schema > SCHEMA {
        return Err(FileProblem::Newer {
            found: header.schema,
            supported: SCHEMA,
        });
    }
    let damaged = |e: StoreError| match e {
        StoreError::Damaged(m) => FileProblem::Damaged(m),
        other => FileProblem::Damaged(format!("{other:?}")),
    };
    let workspace: Workspace = serde_json::from_value(
        migrate_workspace(header.schema, header.workspace).map_err(damaged)?,
    )
    .map_err(|e| FileProblem::Damaged(e.to_string()))?;
    let rest = &bytes[16 + header_len..];
    if (rest.len() as u64) < header.dataset_len {
        return Err(FileProblem::Truncated);
    }
    if rest.len() as u64 > header.dataset_len {
        return Err(FileProblem::Damaged("bytes after the dataset".into()));
    }
    let dataset = match workspace.meta.source {
        Source::Demo if rest.is_empty() => None,
        _ => {
            let bytes = migrate_dataset(header.schema, rest.to_vec()).map_err(damaged)?;
            let ds = super::protocol::decode_dataset(&bytes).map_err(FileProblem::Damaged)?;
            check_dataset(&ds).map_err(FileProblem::Damaged)?;
            Some(bytes)
        }
    };
    Ok((workspace, dataset))
}

/// The invariants `DatasetBuilder` guarantees, checked on a dataset read from a file (which
/// anyone can edit), so the analyses never index out of bounds.
pub fn check_dataset(ds: &Dataset) -> Result<(), String> {
    let n = ds.orders.len();
    let o = &ds.orders;
    let same = |len: Option<usize>| len.is_none_or(|l| l == n);
    if o.day.len() != n
        || o.amount.len() != n
        || !same(o.profit.as_ref().map(Vec::len))
        || !same(o.due.as_ref().map(Vec::len))
        || !same(o.paid.as_ref().map(Vec::len))
    {
        return Err("order columns of different lengths".into());
    }
    let starts = &ds.order_start;
    if starts.len() != ds.customers.len() + 1
        || starts.first() != Some(&0)
        || starts.last().map(|&s| s as usize) != Some(n)
        || starts.windows(2).any(|w| w[0] > w[1])
    {
        return Err("order index does not match the orders".into());
    }
    for c in 0..ds.customers.len() {
        let rows = ds.orders_of(c as u32);
        if o.customer[rows.clone()].iter().any(|&x| x as usize != c)
            || o.day[rows].windows(2).any(|w| w[0] > w[1])
        {
            return Err("orders not grouped by customer and day".into());
        }
    }
    if ds
        .interactions
        .iter()
        .any(|i| i.customer as usize >= ds.customers.len())
    {
        return Err("an interaction refers to no customer".into());
    }
    Ok(())
}

/// `<name>.tierlens`, with characters file systems refuse replaced.
pub fn file_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let clean = clean.trim();
    format!(
        "{}.tierlens",
        if clean.is_empty() { "workspace" } else { clean }
    )
}

/// The name a workspace gets from its orders file: the file name without its extension.
pub fn name_from_file(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => base.to_owned(),
    }
}
