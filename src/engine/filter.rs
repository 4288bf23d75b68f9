//! The customer filter (industry, region, size, account manager) every analysis runs under.
//!
//! Seed 002 segments key accounts by industry, region and size; seed 004 assigns every account
//! a manager. Filtering selects customers, not orders: all analyses then run on the selected
//! customers only, so shares, tiers and percentiles are relative to the filtered set.

use super::model::{Customer, CustomerId, Dataset};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Each list holds the accepted values of one field; an empty list accepts everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub industries: Vec<String>,
    pub regions: Vec<String>,
    pub sizes: Vec<String>,
    pub managers: Vec<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.industries.is_empty()
            && self.regions.is_empty()
            && self.sizes.is_empty()
            && self.managers.is_empty()
    }

    pub fn accepts(&self, c: &Customer) -> bool {
        let ok = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        ok(&self.industries, &c.industry)
            && ok(&self.regions, &c.region)
            && ok(&self.sizes, &c.size)
            && ok(&self.managers, &c.manager)
    }
}

/// Ids of the customers the filter accepts, ascending.
pub fn select(ds: &Dataset, filter: &Filter) -> Vec<CustomerId> {
    if filter.is_empty() {
        return (0..ds.customers.len() as CustomerId).collect();
    }
    (0..ds.customers.len() as CustomerId)
        .filter(|&c| filter.accepts(&ds.customers[c as usize]))
        .collect()
}

/// The distinct non-empty values of each filter field, sorted, for the app's pickers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterOptions {
    pub industries: Vec<String>,
    pub regions: Vec<String>,
    pub sizes: Vec<String>,
    pub managers: Vec<String>,
}

pub fn options(ds: &Dataset) -> FilterOptions {
    let distinct = |field: fn(&Customer) -> &str| -> Vec<String> {
        let set: BTreeSet<&str> = ds
            .customers
            .iter()
            .map(field)
            .filter(|v| !v.is_empty())
            .collect();
        set.into_iter().map(str::to_owned).collect()
    };
    FilterOptions {
        industries: distinct(|c| &c.industry),
        regions: distinct(|c| &c.region),
        sizes: distinct(|c| &c.size),
        managers: distinct(|c| &c.manager),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::DatasetBuilder;

    fn customer(key: &str, industry: &str, region: &str, manager: &str) -> Customer {
        Customer {
            key: key.into(),
            industry: industry.into(),
            region: region.into(),
            manager: manager.into(),
            ..Customer::default()
        }
    }

    #[test]
    fn empty_lists_accept_everything_and_fields_combine_with_and() {
        let mut b = DatasetBuilder::new();
        b.customer(customer("1", "化工", "华东", "张伟"));
        b.customer(customer("2", "化工", "华南", "王强"));
        b.customer(customer("3", "建材", "华东", "张伟"));
        b.customer(customer("4", "", "华东", ""));
        let ds = b.build();
        assert_eq!(select(&ds, &Filter::default()), vec![0, 1, 2, 3]);
        let east = Filter {
            regions: vec!["华东".into()],
            ..Filter::default()
        };
        assert_eq!(select(&ds, &east), vec![0, 2, 3]);
        let east_chem = Filter {
            industries: vec!["化工".into(), "食品".into()],
            ..east
        };
        assert_eq!(select(&ds, &east_chem), vec![0]);
        let o = options(&ds);
        assert_eq!(o.industries, ["化工", "建材"]);
        assert_eq!(o.managers, ["张伟", "王强"]);
    }
}
