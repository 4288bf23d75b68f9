//! Every UI text in one typed table per language: a missing translation is a compile error.
//! This module holds the shell's and the import's texts; each area of the app has its own
//! table in a submodule, built the same way.

pub mod analysis;
pub mod clv;
pub mod customers;
pub mod scores;
pub mod settings;
pub mod workspace;

use crate::engine::i18n::Lang;

pub struct Texts {
    pub app_tagline: &'static str,
    pub privacy: &'static str,
    pub use_demo: &'static str,
    pub use_demo_hint: &'static str,
    pub open_file: &'static str,
    pub open_file_hint: &'static str,
    pub switch_language: &'static str,
    pub back_to_start: &'static str,
    pub dashboard: &'static str,
    pub demo_dataset: &'static str,
    pub data_range: &'static str,
    pub customers: &'static str,
    pub customers_note: &'static str,
    pub orders: &'static str,
    pub net_revenue: &'static str,
    pub gross_profit: &'static str,
    pub margin: &'static str,
    pub no_profit: &'static str,
    pub active_30: &'static str,
    pub active_30_note: &'static str,
    pub of_buying: &'static str,
    pub import_title: &'static str,
    pub orders_file: &'static str,
    pub customers_file: &'static str,
    pub interactions_file: &'static str,
    pub required: &'static str,
    pub optional: &'static str,
    pub drop_or_choose: &'static str,
    pub file_types: &'static str,
    pub reading: &'static str,
    pub encoding: &'static str,
    pub delimiter: &'static str,
    pub sheet: &'static str,
    pub header_line: &'static str,
    pub no_header: &'static str,
    pub mapping: &'static str,
    pub not_mapped: &'static str,
    pub confidence: &'static str,
    pub missing_fields: &'static str,
    pub save_mapping: &'static str,
    pub mapping_saved: &'static str,
    pub date_order: &'static str,
    pub date_auto: &'static str,
    pub date_dmy: &'static str,
    pub date_mdy: &'static str,
    pub cancel_prefix: &'static str,
    pub cancel_prefix_hint: &'static str,
    pub start_import: &'static str,
    pub cancel: &'static str,
    pub cancelled: &'static str,
    pub remove: &'static str,
    pub import_failed: &'static str,
    pub ambiguous_hint: &'static str,
    pub report_title: &'static str,
    pub lines: &'static str,
    pub order_lines: &'static str,
    pub returns: &'static str,
    pub skipped_lines: &'static str,
    pub rejected_rows: &'static str,
    pub line: &'static str,
    pub column: &'static str,
    pub value: &'static str,
    pub reason: &'static str,
    pub download_rejected: &'static str,
    pub nothing_rejected: &'static str,
    pub open_dashboard: &'static str,
    pub imported_dataset: &'static str,
    pub first_rows_shown: &'static str,
    pub import_time: &'static str,
    pub opening: &'static str,
    pub tiers_title: &'static str,
    pub tiers_note: &'static str,
    pub analysed_in: &'static str,
    pub of_revenue: &'static str,
    pub nav_label: &'static str,
    pub page_dashboard: &'static str,
    pub page_tiers: &'static str,
    pub page_rfm: &'static str,
    pub page_value: &'static str,
    pub page_clv: &'static str,
    pub page_cohorts: &'static str,
    pub page_customers: &'static str,
    pub page_actions: &'static str,
    pub page_settings: &'static str,
    pub no_data_open: &'static str,
}

pub static ZH: Texts = Texts {
    app_tagline: "客户价值与忠诚度分析工作台",
    privacy: "所有数据只在本浏览器中处理和保存，不会上传到任何服务器。",
    use_demo: "使用演示数据",
    use_demo_hint: "一家贸易公司三年的订单，300 个客户",
    open_file: "导入文件",
    open_file_hint: "订单导出（CSV / Excel），可附客户和互动记录",
    switch_language: "English",
    back_to_start: "返回首页",
    dashboard: "总览",
    demo_dataset: "演示数据",
    data_range: "数据区间",
    customers: "客户数",
    customers_note: "有订单的客户",
    orders: "订单数",
    net_revenue: "净销售额",
    gross_profit: "毛利",
    margin: "毛利率",
    no_profit: "数据中没有毛利",
    active_30: "近30天活跃客户",
    active_30_note: "最后一笔订单前30天内有下单",
    of_buying: "占有订单客户",
    import_title: "导入数据",
    orders_file: "订单明细",
    customers_file: "客户资料",
    interactions_file: "互动记录",
    required: "必需",
    optional: "可选",
    drop_or_choose: "拖放文件到这里，或点击选择",
    file_types: "CSV、TSV、Excel（xlsx/xls）；UTF-8、GBK、UTF-16 均可",
    reading: "正在读取…",
    encoding: "编码",
    delimiter: "分隔符",
    sheet: "工作表",
    header_line: "表头所在行",
    no_header: "没有找到表头，请指定表头所在行",
    mapping: "字段对应",
    not_mapped: "（不使用）",
    confidence: "匹配度",
    missing_fields: "缺少必需字段",
    save_mapping: "保存此对应关系",
    mapping_saved: "已保存，下次导入同类文件时自动使用",
    date_order: "日期格式",
    date_auto: "自动判断",
    date_dmy: "日/月/年",
    date_mdy: "月/日/年",
    cancel_prefix: "作废单号前缀",
    cancel_prefix_hint: "例如 C：以此开头的单号按退货/作废处理",
    start_import: "开始导入",
    cancel: "取消",
    cancelled: "导入已取消",
    remove: "移除",
    import_failed: "无法导入",
    ambiguous_hint: "请在上方“日期格式”中选择日/月/年或月/日/年后重试",
    report_title: "导入报告",
    lines: "数据行",
    order_lines: "有效订单行",
    returns: "退货/作废行",
    skipped_lines: "跳过的行（合计、空行、重复表头）",
    rejected_rows: "拒绝的行",
    line: "行号",
    column: "列",
    value: "内容",
    reason: "原因",
    download_rejected: "下载拒绝行（CSV）",
    nothing_rejected: "没有被拒绝的行",
    open_dashboard: "查看分析",
    imported_dataset: "导入的数据",
    first_rows_shown: "仅显示前 200 行",
    import_time: "导入用时",
    opening: "正在打开…",
    tiers_title: "本期客户分级",
    tiers_note: "按净销售额累计占比：A ≤ 80%，B ≤ 95%，其余 C；D = 本期无订单",
    analysed_in: "分析用时",
    of_revenue: "销售额占比",
    nav_label: "页面",
    page_dashboard: "总览",
    page_tiers: "客户分级",
    page_rfm: "RFM 分析",
    page_value: "价值与忠诚度",
    page_clv: "CLV 与流失",
    page_cohorts: "同期群留存",
    page_customers: "客户列表",
    page_actions: "行动清单",
    page_settings: "设置",
    no_data_open: "尚未打开数据",
};

pub static EN: Texts = Texts {
    app_tagline: "Customer value and loyalty workbench",
    privacy: "Your data is processed and stored in this browser only. Nothing is uploaded.",
    use_demo: "Use demo data",
    use_demo_hint: "Three years of a trading company's orders, 300 customers",
    open_file: "Open files",
    open_file_hint: "An order export (CSV / Excel), optionally customers and interactions",
    switch_language: "中文",
    back_to_start: "Start",
    dashboard: "Dashboard",
    demo_dataset: "Demo data",
    data_range: "Data range",
    customers: "Customers",
    customers_note: "customers with orders",
    orders: "Orders",
    net_revenue: "Net revenue",
    gross_profit: "Gross profit",
    margin: "margin",
    no_profit: "no gross profit in the data",
    active_30: "Active, last 30 days",
    active_30_note: "ordered in the 30 days up to the last order",
    of_buying: "of buying customers",
    import_title: "Import data",
    orders_file: "Orders",
    customers_file: "Customers",
    interactions_file: "Interactions",
    required: "required",
    optional: "optional",
    drop_or_choose: "Drop a file here, or click to choose",
    file_types: "CSV, TSV, Excel (xlsx/xls); UTF-8, GBK or UTF-16",
    reading: "Reading…",
    encoding: "Encoding",
    delimiter: "Delimiter",
    sheet: "Sheet",
    header_line: "Header line",
    no_header: "No header found: name the header line",
    mapping: "Column mapping",
    not_mapped: "(not used)",
    confidence: "match",
    missing_fields: "Required fields without a column",
    save_mapping: "Save this mapping",
    mapping_saved: "Saved: used again for files with these columns",
    date_order: "Date format",
    date_auto: "Detect",
    date_dmy: "day/month/year",
    date_mdy: "month/day/year",
    cancel_prefix: "Cancellation prefix",
    cancel_prefix_hint: "e.g. C: order numbers starting with it are returns",
    start_import: "Import",
    cancel: "Cancel",
    cancelled: "Import cancelled",
    remove: "Remove",
    import_failed: "Cannot import",
    ambiguous_hint: "Choose day/month/year or month/day/year under Date format above and import again",
    report_title: "Import report",
    lines: "Data lines",
    order_lines: "Order lines used",
    returns: "Returns / cancellations",
    skipped_lines: "Skipped lines (totals, blank lines, repeated headers)",
    rejected_rows: "Rejected rows",
    line: "Line",
    column: "Column",
    value: "Value",
    reason: "Reason",
    download_rejected: "Download rejected rows (CSV)",
    nothing_rejected: "No row was rejected",
    open_dashboard: "Open the analysis",
    imported_dataset: "Imported data",
    first_rows_shown: "First 200 rows shown",
    import_time: "Imported in",
    opening: "Opening…",
    tiers_title: "Customer tiers this period",
    tiers_note: "By cumulative share of net revenue: A ≤ 80%, B ≤ 95%, the rest C; D = no order this period",
    analysed_in: "Analysed in",
    of_revenue: "of revenue",
    nav_label: "Pages",
    page_dashboard: "Dashboard",
    page_tiers: "Tiers",
    page_rfm: "RFM",
    page_value: "Value & loyalty",
    page_clv: "CLV & churn",
    page_cohorts: "Cohorts",
    page_customers: "Customers",
    page_actions: "Actions",
    page_settings: "Settings",
    no_data_open: "No data is open",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

use super::protocol::AnalysisStep;
use crate::engine::import::{ErrorKind, Field, Reason, SkipReason, Stage, TableKind};

pub fn field_label(field: Field, lang: Lang) -> &'static str {
    use Field::*;
    let (zh, en) = match field {
        Customer => ("客户编码", "Customer key"),
        CustomerName => ("客户名称", "Customer name"),
        Date => ("日期", "Date"),
        Amount => ("金额", "Amount"),
        Quantity => ("数量", "Quantity"),
        UnitPrice => ("单价", "Unit price"),
        Profit => ("毛利", "Gross profit"),
        Margin => ("毛利率", "Margin"),
        OrderNo => ("单据编号", "Order number"),
        Product => ("产品", "Product"),
        Category => ("类别", "Category"),
        Salesperson => ("业务员", "Salesperson"),
        Channel => ("渠道", "Channel"),
        DueDate => ("应收日期", "Payment due"),
        PaidDate => ("收款日期", "Paid on"),
        Industry => ("行业", "Industry"),
        Region => ("地区", "Region"),
        Size => ("规模", "Company size"),
        FirstCooperation => ("首次合作日期", "Customer since"),
        CreditLimit => ("信用额度", "Credit limit"),
        StrategicFit => ("战略匹配度", "Strategic fit"),
        Influence => ("影响力", "Influence"),
        GrowthPotential => ("成长潜力", "Growth potential"),
        Nps => ("NPS", "NPS"),
        Kind => ("类型", "Type"),
        Score => ("评分", "Score"),
    };
    pick(lang, zh, en)
}

pub fn reason_label(reason: Reason, lang: Lang) -> &'static str {
    let (zh, en) = match reason {
        Reason::MissingCustomer => ("缺少客户", "missing customer"),
        Reason::MissingDate => ("缺少日期", "missing date"),
        Reason::UnreadableDate => ("无法识别的日期", "unreadable date"),
        Reason::WrongDateOrder => (
            "日期与所选日/月顺序不符",
            "date not valid in the chosen day/month order",
        ),
        Reason::MissingAmount => ("缺少金额", "missing amount"),
        Reason::UnreadableNumber => ("无法识别的数字", "unreadable number"),
        Reason::ScoreOutOfRange => ("评分超出范围", "score out of range"),
        Reason::DuplicateCustomer => ("重复的客户", "duplicate customer"),
        Reason::UnknownCustomer => ("未知客户", "unknown customer"),
    };
    pick(lang, zh, en)
}

pub fn skip_label(reason: SkipReason, lang: Lang) -> &'static str {
    let (zh, en) = match reason {
        SkipReason::Total => ("合计行", "total line"),
        SkipReason::Empty => ("空行", "empty row"),
        SkipReason::RepeatedHeader => ("重复表头", "repeated header"),
    };
    pick(lang, zh, en)
}

/// Why a file cannot be imported, in the user's language (the engine's
/// `ImportError::message` is the command line's English, with its `--map` advice).
pub fn import_error(kind: &ErrorKind, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let t = texts(lang);
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|s| format!("“{s}”")).collect();
        quoted.join(if zh { "、" } else { ", " })
    };
    let label = |field: Field| field_label(field, lang);
    match kind {
        ErrorKind::Empty => pick(lang, "文件是空的", "The file is empty").into(),
        ErrorKind::Binary => pick(
            lang,
            "不是文本表格（CSV、TSV）或电子表格（xlsx、xls、ods）",
            "Not a text table (CSV, TSV) or a spreadsheet (xlsx, xls, ods)",
        )
        .into(),
        ErrorKind::Spreadsheet(e) if zh => format!("无法读取此电子表格：{e}"),
        ErrorKind::Spreadsheet(e) => format!("Cannot read the spreadsheet: {e}"),
        ErrorKind::NoSheet { sheet, .. } if sheet.is_empty() => {
            pick(lang, "工作簿中没有工作表", "The workbook has no sheets").into()
        }
        ErrorKind::NoSheet { sheet, sheets } if zh => {
            format!("没有名为“{sheet}”的工作表；工作簿中有 {}", list(sheets))
        }
        ErrorKind::NoSheet { sheet, sheets } => {
            format!(
                "No sheet named “{sheet}”; the workbook has {}",
                list(sheets)
            )
        }
        ErrorKind::NoHeader(table) => {
            let second = match table {
                TableKind::Customers => "行业/地区/Industry",
                TableKind::Orders | TableKind::Interactions => "单据日期/日期/InvoiceDate",
            };
            let rows = crate::engine::import::header::HEADER_SEARCH_ROWS;
            let key = "客户编码/客户名称/CustomerID";
            if zh {
                format!("前 {rows} 行中没有找到表头，应有 {key} 和 {second} 这样的列")
            } else {
                format!(
                    "No header row in the first {rows} rows: expected columns such as {key} and {second}"
                )
            }
        }
        ErrorKind::MissingColumn(table, field) => {
            let examples = field.synonyms(*table).iter().take(3).copied();
            let examples: Vec<&str> = examples.collect();
            if zh {
                format!(
                    "没有“{}”列（表头如 {}）；请在“{}”中选择",
                    label(*field),
                    examples.join("、"),
                    t.mapping
                )
            } else {
                format!(
                    "No {} column (headers such as {}); choose one under {}",
                    label(*field),
                    examples.join(", "),
                    t.mapping
                )
            }
        }
        ErrorKind::MissingAmount if zh => format!(
            "没有金额列（价税合计、金额、Amount……），也没有数量和单价；请在“{}”中选择",
            t.mapping
        ),
        ErrorKind::MissingAmount => format!(
            "No amount column (价税合计, 金额, Amount...), nor quantity and unit price; choose one under {}",
            t.mapping
        ),
        ErrorKind::UnknownColumn { field, headers } if zh => format!(
            "“{}”对应的列不在表头中；表头为 {}",
            label(*field),
            list(headers)
        ),
        ErrorKind::UnknownColumn { field, headers } => format!(
            "{} is mapped to a column the header does not have; the header has {}",
            label(*field),
            list(headers)
        ),
        ErrorKind::AmbiguousDates { example } if zh => format!(
            "“{example}”这样的日期既可读作{}，也可读作{}，文件中没有能区分的日期",
            t.date_dmy, t.date_mdy
        ),
        ErrorKind::AmbiguousDates { example } => format!(
            "Dates such as “{example}” read both as {} and as {}, and no date in the file settles it",
            t.date_dmy, t.date_mdy
        ),
        ErrorKind::MixedDateOrder {
            month_first_line,
            month_first,
            day_first,
        } if zh => format!(
            "“{day_first}”只能读作{}，而“{month_first}”（第 {month_first_line} 行）只能读作{}；请选择{}",
            t.date_dmy, t.date_mdy, t.date_order
        ),
        ErrorKind::MixedDateOrder {
            month_first_line,
            month_first,
            day_first,
        } => format!(
            "“{day_first}” only reads as {} but “{month_first}” (line {month_first_line}) only as {}; choose the {}",
            t.date_dmy,
            t.date_mdy,
            t.date_order.to_lowercase()
        ),
        ErrorKind::Cancelled => t.cancelled.into(),
    }
}

pub fn stage_label(stage: Stage, lang: Lang) -> &'static str {
    let (zh, en) = match stage {
        Stage::Customers => ("读取客户资料", "Reading customers"),
        Stage::Orders => ("读取订单", "Reading orders"),
        Stage::Interactions => ("读取互动记录", "Reading interactions"),
        Stage::Building => ("汇总订单", "Building orders"),
    };
    pick(lang, zh, en)
}

/// "Step n of 2: ..." for the analysis progress in the top bar.
pub fn analysis_step(step: AnalysisStep, lang: Lang) -> String {
    let (zh, en) = match step {
        AnalysisStep::Analysing => ("分析分级、RFM 与评分", "Analysing tiers, RFM and scores"),
        AnalysisStep::Predicting => ("拟合流失与 CLV 模型", "Fitting the churn and CLV models"),
    };
    let (n, of) = (step.number(), AnalysisStep::COUNT);
    match lang {
        Lang::Zh => format!("第 {n}/{of} 步：{zh}…"),
        Lang::En => format!("Step {n} of {of}: {en}…"),
    }
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}
