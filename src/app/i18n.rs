//! Every UI text in one typed table per language: a missing translation is a compile error.

use crate::engine::i18n::Lang;

pub struct Texts {
    pub app_tagline: &'static str,
    pub privacy: &'static str,
    pub use_demo: &'static str,
    pub use_demo_hint: &'static str,
    pub open_file: &'static str,
    pub open_file_hint: &'static str,
    pub coming_soon: &'static str,
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
}

pub static ZH: Texts = Texts {
    app_tagline: "客户价值与忠诚度分析工作台",
    privacy: "所有数据只在本浏览器中处理和保存，不会上传到任何服务器。",
    use_demo: "使用演示数据",
    use_demo_hint: "一家贸易公司三年的订单，300 个客户",
    open_file: "打开文件",
    open_file_hint: "订单导出（CSV / Excel），可附客户和互动记录",
    coming_soon: "即将推出",
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
};

pub static EN: Texts = Texts {
    app_tagline: "Customer value and loyalty workbench",
    privacy: "Your data is processed and stored in this browser only. Nothing is uploaded.",
    use_demo: "Use demo data",
    use_demo_hint: "Three years of a trading company's orders, 300 customers",
    open_file: "Open a file",
    open_file_hint: "An order export (CSV / Excel), optionally customers and interactions",
    coming_soon: "Coming soon",
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
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
