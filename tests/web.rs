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

// ---- Workspaces in IndexedDB and the `.tierlens` file -----------------------------------------

use tierlens::app::i18n::workspace as ws_texts;
use tierlens::app::protocol::{decode_dataset, encode_dataset};
use tierlens::app::store::{
    self, FileProblem, SCHEMA, Source, StoreError, Workspace, WorkspaceMeta,
};
use tierlens::engine::model::{Dataset, DatasetBuilder};
use tierlens::engine::report::Settings;
use tierlens::engine::summary::summarize;
use wasm_bindgen::JsValue;

/// Two customers, three orders: A buys on days 10 and 40, B on day 20.
fn small_dataset() -> Dataset {
    let mut b = DatasetBuilder::new();
    let a = b.intern("A");
    let c = b.intern("B");
    b.order(a, 40, 300.0, None);
    b.order(c, 20, 50.0, None);
    b.order(a, 10, 100.0, None);
    b.build()
}

fn workspace(id: &str, name: &str, ds: &Dataset) -> Workspace {
    let settings = Settings {
        window_months: 6,
        ..Settings::default()
    };
    Workspace {
        meta: WorkspaceMeta {
            id: id.into(),
            name: name.into(),
            created_ms: 1_700_000_000_000.0,
            updated_ms: 1_700_000_100_000.0,
            source: Source::Files(vec!["订单.csv".into()]),
            summary: summarize(ds),
        },
        settings,
    }
}

/// Runs a piece of JS returning a promise (to write records the app itself never writes).
async fn run_js(code: &str) -> JsValue {
    let promise: js_sys::Promise = js_sys::Function::new_no_args(code)
        .call0(&JsValue::NULL)
        .unwrap()
        .into();
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap()
}

#[wasm_bindgen_test]
async fn a_workspace_is_written_read_back_listed_and_deleted() {
    store::delete_all().await.unwrap();
    assert_eq!(store::list().await.unwrap(), (vec![], vec![]));
    let ds = small_dataset();
    let bytes = encode_dataset(&ds);
    let first = workspace("w1", "客户甲", &ds);
    let mut second = workspace("w2", "Client B", &ds);
    second.meta.updated_ms += 1.0;
    store::save(&first, Some(&bytes)).await.unwrap();
    store::save(&second, Some(&bytes)).await.unwrap();

    let (back, back_bytes) = store::load("w1").await.unwrap();
    assert_eq!(back, first);
    assert_eq!(back.settings.window_months, 6);
    assert_eq!(decode_dataset(&back_bytes.unwrap()).unwrap(), ds);
    assert_eq!(back.meta.summary.orders, 3);

    // Newest change first.
    let (listed, unreadable) = store::list().await.unwrap();
    let names: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Client B", "客户甲"]);
    assert!(unreadable.is_empty());

    // Saving settings only keeps the dataset that was stored.
    let mut changed = first.clone();
    changed.settings.window_months = 24;
    store::save(&changed, None).await.unwrap();
    assert_eq!(store::load_workspace("w1").await.unwrap(), changed);
    let (back, back_bytes) = store::load("w1").await.unwrap();
    assert_eq!(back.settings.window_months, 24);
    assert_eq!(back_bytes.as_deref(), Some(&bytes[..]));

    store::delete("w1").await.unwrap();
    assert_eq!(store::load("w1").await.unwrap_err(), StoreError::Missing);
    assert_eq!(
        store::load_workspace("w1").await.unwrap_err(),
        StoreError::Missing
    );
    assert_eq!(store::list().await.unwrap().0.len(), 1);
    assert_eq!(store::load("w2").await.unwrap().0, second);
    store::delete_all().await.unwrap();
}

#[wasm_bindgen_test]
async fn a_record_from_a_newer_schema_is_refused_with_its_version() {
    store::delete_all().await.unwrap();
    let ds = small_dataset();
    store::save(
        &workspace("ok", "Readable", &ds),
        Some(&encode_dataset(&ds)),
    )
    .await
    .unwrap();
    // What a later release might write: schema 99, content this one cannot know.
    run_js(
        r#"return new Promise((resolve, reject) => {
            const open = indexedDB.open("tierlens");
            open.onsuccess = () => {
                const db = open.result;
                const tx = db.transaction(["workspaces", "datasets"], "readwrite");
                tx.objectStore("workspaces").put({ schema: 99, json: "{\"future\":true}" }, "new");
                tx.objectStore("datasets").put({ schema: 99, bytes: new Uint8Array([1, 2]) }, "new");
                tx.oncomplete = () => { db.close(); resolve(true); };
                tx.onabort = () => reject(tx.error);
            };
            open.onerror = () => reject(open.error);
        })"#,
    )
    .await;
    let newer = StoreError::Newer {
        found: Some(99),
        supported: SCHEMA,
    };
    assert_eq!(store::load("new").await.unwrap_err(), newer);
    // The list still shows what it can read, and says what it cannot.
    let (listed, unreadable) = store::list().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "Readable");
    assert_eq!(unreadable, vec![newer.clone()]);
    assert_eq!(
        ws_texts::store_error(&newer, Lang::En),
        "This was saved by a newer TierLens and cannot be read by this version; open it with \
         the newer version. (data format version 99, this version reads up to 1)"
    );
    store::delete_all().await.unwrap();
}

#[wasm_bindgen_test]
async fn delete_all_leaves_no_database_and_listing_does_not_create_one() {
    let ds = small_dataset();
    store::save(&workspace("w", "x", &ds), Some(&encode_dataset(&ds)))
        .await
        .unwrap();
    store::delete_all().await.unwrap();
    assert_eq!(store::list().await.unwrap(), (vec![], vec![]));
    assert_eq!(store::load("w").await.unwrap_err(), StoreError::Missing);
    let names =
        run_js("return indexedDB.databases().then(list => list.map(d => d.name).join(','))").await;
    assert_eq!(names.as_string().as_deref(), Some(""));
}

#[wasm_bindgen_test]
fn the_dataset_bytes_are_pinned_so_a_layout_change_bumps_the_schema() {
    // One customer "A" with one order on day 10 of 2.5: postcard writes lengths and u32 as
    // varints, i32 zigzagged (10 -> 20), f64 as 8 little-endian bytes, None as 0.
    let mut b = DatasetBuilder::new();
    let a = b.intern("A");
    b.order(a, 10, 2.5, None);
    let bytes = encode_dataset(&b.build());
    let customer = [1, b'A', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let orders = [1, 0, 1, 20, 1, 0, 0, 0, 0, 0, 0, 4, 0x40, 0, 0, 0];
    let expected: Vec<u8> = [&[1u8][..], &customer, &orders, &[2, 0, 1], &[0]].concat();
    assert_eq!(
        bytes, expected,
        "Dataset's layout changed: bump store::SCHEMA and migrate"
    );
}

#[wasm_bindgen_test]
fn a_workspace_file_round_trips_and_bad_files_are_named_clearly() {
    let ds = small_dataset();
    let bytes = encode_dataset(&ds);
    let ws = workspace("w1", "客户甲", &ds);
    let file = store::encode_file(&ws, Some(&bytes));
    assert_eq!(&file[..8], b"TIERLENS");
    assert_eq!(file[8..12], 1u32.to_le_bytes());
    let (back, back_bytes) = store::decode_file(&file).unwrap();
    assert_eq!(back, ws);
    assert_eq!(back_bytes.as_deref(), Some(&bytes[..]));

    assert_eq!(
        store::decode_file(b"name,amount\nA,1\n").unwrap_err(),
        FileProblem::NotWorkspace
    );
    assert_eq!(
        store::decode_file(&file[..file.len() - 1]).unwrap_err(),
        FileProblem::Truncated
    );
    let mut newer = file.clone();
    newer[8..12].copy_from_slice(&2u32.to_le_bytes());
    assert_eq!(
        store::decode_file(&newer).unwrap_err(),
        FileProblem::Newer {
            found: 2,
            supported: 1
        }
    );
    // A dataset whose index points past its orders decodes but is refused.
    let mut broken = ds.clone();
    broken.order_start[2] = 9;
    let file = store::encode_file(&ws, Some(&encode_dataset(&broken)));
    assert_eq!(
        store::decode_file(&file).unwrap_err(),
        FileProblem::Damaged("order index does not match the orders".into())
    );
    // The demo travels as settings only.
    let mut demo = ws.clone();
    demo.meta.source = Source::Demo;
    let file = store::encode_file(&demo, None);
    assert_eq!(store::decode_file(&file).unwrap(), (demo, None));

    let problem = StoreError::BadFile {
        file: "notes.tierlens".into(),
        problem: FileProblem::NotWorkspace,
    };
    assert_eq!(
        ws_texts::store_error(&problem, Lang::En),
        "Cannot import the file “notes.tierlens”: It is not a workspace file exported by TierLens."
    );
    assert_eq!(
        ws_texts::store_error(&problem, Lang::Zh),
        "无法导入文件 “notes.tierlens”：这不是 TierLens 导出的工作区文件。"
    );
}

#[wasm_bindgen_test]
fn workspace_names_come_from_files_and_go_to_safe_file_names() {
    assert_eq!(
        store::name_from_file("销售出库单2024.csv"),
        "销售出库单2024"
    );
    assert_eq!(
        store::name_from_file("C:\\exports\\orders.v2.xlsx"),
        "orders.v2"
    );
    assert_eq!(store::name_from_file("README"), "README");
    assert_eq!(
        store::file_name("客户甲: 2024/Q1"),
        "客户甲_ 2024_Q1.tierlens"
    );
    assert_eq!(store::file_name("  "), "workspace.tierlens");
}

#[wasm_bindgen_test]
fn delete_all_clears_every_tierlens_key_and_nothing_else() {
    let raw = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    prefs::save_lang(Lang::En);
    prefs::save_open_workspace(Some("w1"));
    raw.set_item("tierlens.mapping.orders", "{}").unwrap();
    raw.set_item("other-app", "keep").unwrap();
    assert_eq!(prefs::open_workspace().as_deref(), Some("w1"));
    prefs::clear_all();
    for key in ["tierlens.lang", "tierlens.open", "tierlens.mapping.orders"] {
        assert_eq!(raw.get_item(key).unwrap(), None, "{key}");
    }
    assert_eq!(raw.get_item("other-app").unwrap().as_deref(), Some("keep"));
    raw.remove_item("other-app").unwrap();
}

use tierlens::app::route::{Page, Route};

#[wasm_bindgen_test]
fn hash_routes_round_trip_including_chinese_customer_keys() {
    assert_eq!(Route::parse(""), Route::Start);
    assert_eq!(Route::parse("#/"), Route::Start);
    assert_eq!(Route::parse("#/import"), Route::Import);
    assert_eq!(Route::parse("#/rfm"), Route::Page(Page::Rfm));
    assert_eq!(Route::parse("#/no-such-page"), Route::Start);
    assert_eq!(Route::parse("#/customers"), Route::Page(Page::Customers));
    for page in Page::ALL {
        assert_eq!(Route::parse(&Route::Page(page).href()), Route::Page(page));
    }
    // Keys are user data: slashes, spaces and Chinese survive the URL.
    let key = "客户/甲 01#x";
    let href = Route::Customer(key.into()).href();
    assert_eq!(href, "#/customers/%E5%AE%A2%E6%88%B7%2F%E7%94%B2%2001%23x");
    assert_eq!(Route::parse(&href), Route::Customer(key.into()));
    assert_eq!(Route::Customer(key.into()).page(), Some(Page::Customers));
    assert_eq!(Route::Import.page(), None);
}

#[wasm_bindgen_test]
fn every_text_table_has_both_languages_filled() {
    use tierlens::app::i18n::{analysis, clv, customers, scores, settings};
    // Spot checks that each table's languages differ (a copy-paste of one language fails).
    assert_ne!(
        clv::texts(Lang::Zh).risk_title,
        clv::texts(Lang::En).risk_title
    );
    assert_ne!(
        settings::texts(Lang::Zh).rule_cumulative,
        settings::texts(Lang::En).rule_cumulative
    );
    assert_ne!(
        customers::texts(Lang::Zh).col_churn,
        customers::texts(Lang::En).col_churn
    );
    let _ = (analysis::texts(Lang::Zh), scores::texts(Lang::En));
    assert_eq!(i18n::texts(Lang::En).page_clv, "CLV & churn");
    assert_eq!(i18n::texts(Lang::Zh).page_clv, "CLV 与流失");
}
