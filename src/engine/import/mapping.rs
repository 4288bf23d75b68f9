//! Which column holds which field: detected from Chinese and English header names, editable
//! by the user, and saved for the next file from the same system.
//!
//! A header matches a field's synonym exactly (confidence 1.0), ends with it (0.8: `本币价税合计`
//! is an amount) or starts with it (0.6: `业务员姓名`). Headers are compared after lower-casing,
//! full-width to half-width, and dropping spaces, punctuation and bracketed units (`金额(元)`).
//! Fields are then assigned greedily, most confident first, so `毛利率` goes to the margin
//! (exact) before the profit could take it (prefix). The synonym lists are in `docs/import.md`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The three tables a user can bring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Orders,
    Customers,
    Interactions,
}

impl TableKind {
    /// Fields the table can map, in the order the mapping is shown.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            TableKind::Orders => &[
                Customer,
                CustomerName,
                Date,
                Amount,
                Quantity,
                UnitPrice,
                Profit,
                Margin,
                OrderNo,
                Product,
                Category,
                Salesperson,
                Channel,
                DueDate,
                PaidDate,
            ],
            TableKind::Customers => &[
                Customer,
                CustomerName,
                Industry,
                Region,
                Size,
                Salesperson,
                FirstCooperation,
                CreditLimit,
                StrategicFit,
                Influence,
                GrowthPotential,
                Nps,
            ],
            TableKind::Interactions => &[Customer, Date, Kind, Score],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TableKind::Orders => "orders",
            TableKind::Customers => "customers",
            TableKind::Interactions => "interactions",
        }
    }
}

/// A field the importer understands. The serde name is what `--map field=column` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The customer key: a code, or the name when the file has no code.
    Customer,
    CustomerName,
    Date,
    Amount,
    Quantity,
    UnitPrice,
    Profit,
    /// Gross margin, as a percentage or a fraction of the amount.
    Margin,
    OrderNo,
    Product,
    Category,
    Salesperson,
    Channel,
    DueDate,
    PaidDate,
    Industry,
    Region,
    Size,
    FirstCooperation,
    CreditLimit,
    StrategicFit,
    Influence,
    GrowthPotential,
    Nps,
    /// Interaction type (complaint, inquiry, ...).
    #[serde(rename = "type")]
    Kind,
    Score,
}

impl Field {
    /// The name used in `--map` and in saved mappings.
    pub fn name(self) -> &'static str {
        use Field::*;
        match self {
            Customer => "customer",
            CustomerName => "customer_name",
            Date => "date",
            Amount => "amount",
            Quantity => "quantity",
            UnitPrice => "unit_price",
            Profit => "profit",
            Margin => "margin",
            OrderNo => "order_no",
            Product => "product",
            Category => "category",
            Salesperson => "salesperson",
            Channel => "channel",
            DueDate => "due_date",
            PaidDate => "paid_date",
            Industry => "industry",
            Region => "region",
            Size => "size",
            FirstCooperation => "first_cooperation",
            CreditLimit => "credit_limit",
            StrategicFit => "strategic_fit",
            Influence => "influence",
            GrowthPotential => "growth_potential",
            Nps => "nps",
            Kind => "type",
            Score => "score",
        }
    }

    /// Header names that mean this field in `table`, most specific first.
    pub fn synonyms(self, table: TableKind) -> &'static [&'static str] {
        use Field::*;
        match (self, table) {
            (Customer, _) => &[
                "客户编码",
                "客户代码",
                "客户编号",
                "客户号",
                "客户id",
                "往来单位编码",
                "单位编码",
                "customerid",
                "customercode",
                "customerno",
                "customernumber",
                "custid",
                "clientid",
                "accountid",
            ],
            (CustomerName, _) => &[
                "客户名称",
                "客户",
                "购货单位",
                "客户全称",
                "单位名称",
                "往来单位",
                "购买方",
                "公司名称",
                "客户简称",
                "customername",
                "customer",
                "client",
                "company",
                "accountname",
            ],
            (Date, TableKind::Interactions) => &[
                "日期",
                "时间",
                "互动日期",
                "联系日期",
                "拜访日期",
                "反馈日期",
                "发生日期",
                "date",
                "time",
                "timestamp",
            ],
            (Date, _) => &[
                "单据日期",
                "订单日期",
                "日期",
                "销售日期",
                "开票日期",
                "出库日期",
                "业务日期",
                "发货日期",
                "下单日期",
                "交易日期",
                "制单日期",
                "date",
                "orderdate",
                "invoicedate",
                "salesdate",
                "transactiondate",
            ],
            (Amount, _) => &[
                "价税合计",
                "含税金额",
                "金额",
                "销售额",
                "销售金额",
                "总金额",
                "合计金额",
                "本币金额",
                "成交金额",
                "实收金额",
                "销售收入",
                "收入",
                "amount",
                "revenue",
                "sales",
                "netamount",
                "salesamount",
                "totalamount",
                "totalprice",
                "linetotal",
                "lineamount",
                "total",
                "value",
            ],
            (Quantity, _) => &[
                "数量",
                "销售数量",
                "出库数量",
                "件数",
                "quantity",
                "qty",
                "units",
            ],
            (UnitPrice, _) => &[
                "单价",
                "含税单价",
                "销售单价",
                "售价",
                "价格",
                "unitprice",
                "price",
            ],
            (Profit, _) => &[
                "毛利",
                "毛利额",
                "毛利润",
                "销售毛利",
                "利润",
                "grossprofit",
                "profit",
            ],
            (Margin, _) => &[
                "毛利率",
                "利润率",
                "销售毛利率",
                "grossmargin",
                "margin",
                "profitmargin",
            ],
            (OrderNo, _) => &[
                "单据编号",
                "订单号",
                "订单编号",
                "单号",
                "单据号",
                "销售单号",
                "出库单号",
                "发票号",
                "发票号码",
                "invoiceno",
                "invoice",
                "invoicenumber",
                "orderno",
                "ordernumber",
                "orderid",
                "documentno",
            ],
            (Product, _) => &[
                "商品名称",
                "产品名称",
                "存货名称",
                "物料名称",
                "品名",
                "商品",
                "产品",
                "存货编码",
                "物料编码",
                "商品编码",
                "product",
                "productname",
                "item",
                "description",
                "stockcode",
                "sku",
            ],
            (Category, _) => &[
                "产品类别",
                "商品类别",
                "存货分类",
                "产品分类",
                "品类",
                "类别",
                "category",
                "productcategory",
            ],
            (Salesperson, _) => &[
                "业务员",
                "销售员",
                "客户经理",
                "负责人",
                "销售代表",
                "业务经理",
                "经办人",
                "salesperson",
                "salesrep",
                "accountmanager",
                "owner",
                "manager",
            ],
            (Channel, _) => &["渠道", "销售渠道", "channel", "saleschannel"],
            (DueDate, _) => &[
                "到期日",
                "到期日期",
                "应收到期日",
                "收款到期日",
                "付款到期日",
                "账期到期日",
                "duedate",
                "paymentdue",
            ],
            (PaidDate, _) => &[
                "收款日期",
                "回款日期",
                "到账日期",
                "实际收款日期",
                "付款日期",
                "paiddate",
                "paymentdate",
                "datepaid",
            ],
            (Industry, _) => &["行业", "所属行业", "行业类别", "industry", "sector"],
            (Region, _) => &[
                "地区",
                "区域",
                "所属区域",
                "销售区域",
                "省份",
                "城市",
                "region",
                "area",
                "province",
                "city",
                "country",
            ],
            (Size, _) => &[
                "规模",
                "企业规模",
                "公司规模",
                "客户规模",
                "size",
                "companysize",
            ],
            (FirstCooperation, _) => &[
                "首次合作日期",
                "首次合作",
                "合作开始日期",
                "首次交易日期",
                "建档日期",
                "开户日期",
                "firstcooperation",
                "customersince",
                "since",
                "firstorderdate",
            ],
            (CreditLimit, _) => &["信用额度", "授信额度", "信用限额", "creditlimit", "credit"],
            (StrategicFit, _) => &[
                "战略匹配度",
                "战略匹配",
                "战略契合度",
                "战略价值",
                "strategicfit",
            ],
            (Influence, _) => &[
                "影响力",
                "推荐影响力",
                "转介绍",
                "口碑",
                "influence",
                "referrals",
            ],
            (GrowthPotential, _) => &[
                "成长潜力",
                "增长潜力",
                "发展潜力",
                "潜力",
                "growthpotential",
                "potential",
            ],
            (Nps, _) => &["nps", "净推荐值", "推荐意愿", "npsscore"],
            (Kind, _) => &[
                "类型",
                "互动类型",
                "事件类型",
                "联系类型",
                "类别",
                "type",
                "kind",
                "interactiontype",
                "category",
            ],
            (Score, _) => &[
                "评分",
                "分数",
                "得分",
                "满意度",
                "nps评分",
                "score",
                "rating",
                "nps",
            ],
        }
    }
}

impl std::str::FromStr for Field {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|_| format!("unknown field {s:?}"))
    }
}

/// One field's column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappedColumn {
    /// The header text as in the file.
    pub column: String,
    /// 0-based column index.
    pub index: usize,
    /// 1.0 for an exact synonym or the user's choice, less for partial matches.
    pub confidence: f32,
}

/// Field to column, as detected or edited. Serialises as `{"customer": {"column": ..}, ..}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mapping {
    pub columns: BTreeMap<Field, MappedColumn>,
}

impl Mapping {
    pub fn get(&self, field: Field) -> Option<&MappedColumn> {
        self.columns.get(&field)
    }

    pub fn index(&self, field: Field) -> Option<usize> {
        self.get(field).map(|c| c.index)
    }

    /// Field to header name: what to save and pass back as overrides for the next file.
    pub fn to_overrides(&self) -> BTreeMap<Field, String> {
        self.columns
            .iter()
            .map(|(f, c)| (*f, c.column.clone()))
            .collect()
    }
}

/// Header text reduced for comparison: lower case, half-width, no spaces, punctuation or
/// bracketed units.
pub fn normalise_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut depth = 0;
    for c in header.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        match c {
            '(' | '[' | '（' | '【' => depth += 1,
            ')' | ']' | '）' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// How well one header names one synonym list; with the rank of the synonym that matched.
fn score(header: &str, synonyms: &[&str]) -> Option<(f32, usize)> {
    if header.is_empty() {
        return None;
    }
    let mut best: Option<(f32, usize)> = None;
    for (rank, syn) in synonyms.iter().enumerate() {
        let s = if header == *syn {
            1.0
        } else if header.ends_with(syn) {
            0.8
        } else if header.starts_with(syn) {
            0.6
        } else {
            continue;
        };
        if best.is_none_or(|(b, _)| s > b) {
            best = Some((s, rank));
        }
    }
    best
}

/// Why a user's mapping cannot be applied to these headers.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownColumn {
    pub field: Field,
    pub column: String,
}

/// Detects the mapping of a header row. `overrides` (field to header text; empty text means
/// "not in this file") win over detection.
pub fn detect(
    headers: &[String],
    table: TableKind,
    overrides: &BTreeMap<Field, String>,
) -> Result<Mapping, UnknownColumn> {
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let mut mapping = Mapping::default();
    let mut taken = vec![false; headers.len()];
    for (&field, column) in overrides {
        if column.trim().is_empty() || !table.fields().contains(&field) {
            continue;
        }
        let index = headers
            .iter()
            .position(|h| h.trim() == column.trim())
            .or_else(|| {
                let n = normalise_header(column);
                normalised.iter().position(|h| *h == n)
            })
            .ok_or_else(|| UnknownColumn {
                field,
                column: column.clone(),
            })?;
        taken[index] = true;
        mapping.columns.insert(
            field,
            MappedColumn {
                column: headers[index].clone(),
                index,
                confidence: 1.0,
            },
        );
    }
    // Every (field, column) candidate, best first: score, then synonym rank, then position.
    let mut candidates = Vec::new();
    for &field in table.fields() {
        if overrides.contains_key(&field) {
            continue;
        }
        let synonyms = field.synonyms(table);
        for (index, h) in normalised.iter().enumerate() {
            if let Some((s, rank)) = score(h, synonyms) {
                candidates.push((s, rank, index, field));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (confidence, _, index, field) in candidates {
        if taken[index] || mapping.columns.contains_key(&field) {
            continue;
        }
        taken[index] = true;
        mapping.columns.insert(
            field,
            MappedColumn {
                column: headers[index].clone(),
                index,
                confidence,
            },
        );
    }
    // A file with names but no codes is keyed by the name.
    if !mapping.columns.contains_key(&Field::Customer)
        && !overrides.contains_key(&Field::Customer)
        && let Some(name) = mapping.columns.get(&Field::CustomerName).cloned()
    {
        mapping.columns.insert(Field::Customer, name);
    }
    Ok(mapping)
}

/// How many fields a row would map: the header is the row of the first few that maps most.
pub fn header_score(
    cells: &[String],
    table: TableKind,
    overrides: &BTreeMap<Field, String>,
) -> usize {
    let named = overrides
        .values()
        .filter(|c| !c.trim().is_empty() && cells.iter().any(|h| h.trim() == c.trim()))
        .count();
    let normalised: Vec<String> = cells.iter().map(|h| normalise_header(h)).collect();
    let detected = table
        .fields()
        .iter()
        .filter(|f| {
            normalised
                .iter()
                .any(|h| score(h, f.synonyms(table)).is_some_and(|(s, _)| s >= 0.8))
        })
        .count();
    named + detected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    fn columns(m: &Mapping) -> Vec<(&'static str, &str, f32)> {
        m.columns
            .iter()
            .map(|(f, c)| (f.name(), c.column.as_str(), c.confidence))
            .collect()
    }

    #[test]
    fn chinese_erp_headers() {
        let h = headers(&[
            "单据日期",
            "单据编号",
            "客户编码",
            "客户名称",
            "数量",
            "含税单价",
            "本币价税合计",
            "毛利率(%)",
            "业务员",
            "收款日期",
        ]);
        let m = detect(&h, TableKind::Orders, &BTreeMap::new()).unwrap();
        assert_eq!(
            columns(&m),
            vec![
                ("customer", "客户编码", 1.0),
                ("customer_name", "客户名称", 1.0),
                ("date", "单据日期", 1.0),
                ("amount", "本币价税合计", 0.8),
                ("quantity", "数量", 1.0),
                ("unit_price", "含税单价", 1.0),
                ("margin", "毛利率(%)", 1.0),
                ("order_no", "单据编号", 1.0),
                ("salesperson", "业务员", 1.0),
                ("paid_date", "收款日期", 1.0),
            ]
        );
    }

    #[test]
    fn english_headers_and_name_as_key() {
        let h = headers(&[
            "InvoiceNo",
            "StockCode",
            "Description",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "CustomerID",
            "Country",
        ]);
        let m = detect(&h, TableKind::Orders, &BTreeMap::new()).unwrap();
        let names: Vec<_> = columns(&m).into_iter().map(|(f, c, _)| (f, c)).collect();
        assert_eq!(
            names,
            vec![
                ("customer", "CustomerID"),
                ("date", "InvoiceDate"),
                ("quantity", "Quantity"),
                ("unit_price", "UnitPrice"),
                ("order_no", "InvoiceNo"),
                ("product", "Description"),
            ]
        );
        let m = detect(
            &headers(&["日期", "客户", "金额"]),
            TableKind::Orders,
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(m.index(Field::Customer), Some(1));
        assert_eq!(m.index(Field::CustomerName), Some(1));
    }

    #[test]
    fn overrides_win_and_unknown_columns_are_errors() {
        let h = headers(&["日期", "客户", "金额", "实收"]);
        let mut o = BTreeMap::from([(Field::Amount, "实收".to_string())]);
        let m = detect(&h, TableKind::Orders, &o).unwrap();
        assert_eq!(m.index(Field::Amount), Some(3));
        o.insert(Field::Profit, "利润".into());
        assert_eq!(
            detect(&h, TableKind::Orders, &o),
            Err(UnknownColumn {
                field: Field::Profit,
                column: "利润".into()
            })
        );
        let none = BTreeMap::from([(Field::Amount, String::new())]);
        assert_eq!(
            detect(&h, TableKind::Orders, &none)
                .unwrap()
                .get(Field::Amount),
            None
        );
    }

    #[test]
    fn mappings_round_trip_through_json() {
        let h = headers(&["客户编码", "日期", "金额"]);
        let m = detect(&h, TableKind::Orders, &BTreeMap::new()).unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"customer":{"column":"客户编码","index":0,"confidence":1.0},"date":{"column":"日期","index":1,"confidence":1.0},"amount":{"column":"金额","index":2,"confidence":1.0}}"#
        );
        assert_eq!(serde_json::from_str::<Mapping>(&json).unwrap(), m);
        assert_eq!("unit_price".parse::<Field>(), Ok(Field::UnitPrice));
        assert_eq!("type".parse::<Field>(), Ok(Field::Kind));
        assert!("price".parse::<Field>().is_err());
    }

    #[test]
    fn header_normalisation() {
        assert_eq!(normalise_header(" Unit Price (USD) "), "unitprice");
        assert_eq!(normalise_header("金额（元）"), "金额");
        assert_eq!(normalise_header("Ｃｕｓｔｏｍｅｒ＿ＩＤ"), "customerid");
    }
}
