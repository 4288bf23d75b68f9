//! `tierlens import`: reads an orders file (and optional customer and interaction files),
//! prints the import report as one JSON object, and fails with file, line and column when a
//! file cannot be used at all.

use std::io::Write;
use std::path::PathBuf;
use tierlens::engine::import::{self, DateOrder, Field, FileRef, Files, ImportOptions, TableKind};

pub fn run(mut args: lexopt::Parser) -> Result<(), String> {
    use lexopt::prelude::*;
    let err = |e: lexopt::Error| e.to_string();
    let (mut orders, mut customers, mut interactions, mut rejected) = (
        None::<PathBuf>,
        None::<PathBuf>,
        None::<PathBuf>,
        None::<PathBuf>,
    );
    let mut options = ImportOptions::new();
    while let Some(arg) = args.next().map_err(err)? {
        match arg {
            Value(path) if orders.is_none() => orders = Some(path.into()),
            Long("customers") => customers = Some(args.value().map_err(err)?.into()),
            Long("interactions") => interactions = Some(args.value().map_err(err)?.into()),
            Long("rejected") => rejected = Some(args.value().map_err(err)?.into()),
            Long("map") => {
                let spec = args.value().map_err(err)?.string().map_err(err)?;
                let (table, field, column) = parse_map(&spec)?;
                options = options.map_in(table, field, column);
            }
            Long("sheet") => {
                options = options.sheet(args.value().map_err(err)?.string().map_err(err)?)
            }
            Long("date-order") => {
                let order: DateOrder = args.value().map_err(err)?.string().map_err(err)?.parse()?;
                options = options.date_order(order);
            }
            Long("cancel-prefix") => {
                options = options.cancel_prefix(args.value().map_err(err)?.string().map_err(err)?)
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    let orders = orders.ok_or("import needs an orders FILE")?;
    let read = |path: &PathBuf| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let name = |path: &PathBuf| path.display().to_string();
    let (orders_bytes, orders_name) = (read(&orders)?, name(&orders));
    let customers = customers
        .map(|p| Ok::<_, String>((read(&p)?, name(&p))))
        .transpose()?;
    let interactions = interactions
        .map(|p| Ok::<_, String>((read(&p)?, name(&p))))
        .transpose()?;
    let files = Files {
        orders: FileRef::new(&orders_name, &orders_bytes),
        customers: customers.as_ref().map(|(b, n)| FileRef::new(n, b)),
        interactions: interactions.as_ref().map(|(b, n)| FileRef::new(n, b)),
    };
    let imported = import::import(&files, &options).map_err(|e| e.to_string())?;
    if let Some(path) = rejected {
        std::fs::write(&path, imported.report.rejected_csv())
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let json = serde_json::to_string_pretty(&imported.report).expect("the report serialises");
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{json}") {
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
        _ => Ok(()),
    }
}

/// `field=column`, `customers.field=column` or `interactions.field=column`.
fn parse_map(spec: &str) -> Result<(TableKind, Field, String), String> {
    let (field, column) = spec
        .split_once('=')
        .ok_or_else(|| format!("--map takes field=column, not {spec:?}"))?;
    let (table, field) = match field.split_once('.') {
        Some(("customers", f)) => (TableKind::Customers, f),
        Some(("interactions", f)) => (TableKind::Interactions, f),
        Some(("orders", f)) => (TableKind::Orders, f),
        _ => (TableKind::Orders, field),
    };
    let field: Field = field.trim().parse().map_err(|e| {
        let names: Vec<&str> = table.fields().iter().map(|f| f.name()).collect();
        format!(
            "--map {spec:?}: {e}; the {} fields are {}",
            table.name(),
            names.join(", ")
        )
    })?;
    Ok((table, field, column.to_owned()))
}
