"""Reference RFM scores and monthly ABC/D tiers computed with pandas, for tests/pandas_rfm_abc.rs.

The rules are written the way an analyst would write them in pandas (docs/methods.md, "RFM" and
"ABC + D tiers"); the Rust test compares TierLens's report with this script's output exactly.

usage: python3 pandas_rfm_abc.py ORDERS_CSV CUSTOMERS_CSV AS_OF BINS RULE OUT_DIR
  ORDERS_CSV     customer,date,amount (one row per order; date YYYY-MM-DD)
  CUSTOMERS_CSV  customer (every known key, including customers without orders)
  AS_OF          YYYY-MM-DD; orders on or after it are ignored
  BINS           number of RFM score bins
  RULE           cumulative | rank | absolute  (cut-offs: TierLens's defaults)
writes OUT_DIR/rfm.csv (customer,r,f,m) and OUT_DIR/tiers.csv (customer,month,tier).
"""

import sys

import numpy as np
import pandas as pd

TOLERANCE = 1e-9  # shares within 1e-9 of a cut-off count as inside it
CUMULATIVE = (0.80, 0.95)
RANK = (0.20, 0.60)
ANNUAL = (1_000_000.0, 500_000.0)


def key_positions(keys: pd.Series) -> pd.Series:
    """Position of each key in key order: numeric when every key is an integer, else string."""
    frame = pd.DataFrame({"customer": keys})
    if keys.str.fullmatch(r"[+-]?[0-9]+").all():
        frame["number"] = keys.map(int)
        frame = frame.sort_values(["number", "customer"], kind="stable")
    else:
        frame = frame.sort_values("customer", kind="stable")
    return pd.Series(range(len(frame)), index=frame["customer"].values, name="keypos")


def rfm(orders: pd.DataFrame, keypos: pd.Series, as_of: pd.Timestamp, bins: int) -> pd.DataFrame:
    g = orders.groupby("customer")
    table = pd.DataFrame(
        {"last": g["date"].max(), "frequency": g.size(), "monetary": g["amount"].sum()}
    )
    table["recency"] = (as_of - table["last"]).dt.days
    # rank(method="first") breaks ties by position, so put the rows in key order first.
    table = table.join(keypos).sort_values("keypos", kind="stable")

    def score(x: pd.Series) -> pd.Series:
        return pd.qcut(x.rank(method="first"), bins, labels=False) + 1

    return pd.DataFrame(
        {
            "r": bins + 1 - score(table["recency"]),
            "f": score(table["frequency"]),
            "m": score(table["monetary"]),
        }
    )


def tiers(orders: pd.DataFrame, keypos: pd.Series, as_of: pd.Timestamp, rule: str) -> pd.DataFrame:
    orders = orders.assign(month=orders["date"].dt.to_period("M"))
    first_month = orders.groupby("customer")["month"].min()
    months = pd.period_range(orders["month"].min(), (as_of - pd.Timedelta(days=1)).to_period("M"), freq="M")
    per = orders.groupby(["month", "customer"], as_index=False)["amount"].sum()
    rows = []
    for month in months:
        sub = per[per["month"] == month].join(keypos, on="customer")
        sub = sub.sort_values(["amount", "keypos"], ascending=[False, True], kind="stable")
        value = sub["amount"].to_numpy()
        if rule == "cumulative":
            share = np.cumsum(value) / value[value > 0].sum() if (value > 0).any() else value
            a, b = CUMULATIVE
        elif rule == "rank":
            share = np.arange(1, len(value) + 1) / len(value)
            a, b = RANK
        if rule == "absolute":
            tier = np.where(value >= ANNUAL[0] / 12, "A", np.where(value >= ANNUAL[1] / 12, "B", "C"))
        else:
            tier = np.where(share <= a + TOLERANCE, "A", np.where(share <= b + TOLERANCE, "B", "C"))
        tier = np.where(value <= 0, "C", tier)
        ordered = set(sub["customer"])
        rows += [(c, str(month), t) for c, t in zip(sub["customer"], tier)]
        # D: known (first order in or before this month) but no order this month.
        rows += [(c, str(month), "D") for c, m in first_month.items() if m <= month and c not in ordered]
    return pd.DataFrame(rows, columns=["customer", "month", "tier"])


def main() -> None:
    orders_csv, customers_csv, as_of, bins, rule, out_dir = sys.argv[1:7]
    as_of = pd.Timestamp(as_of)
    orders = pd.read_csv(orders_csv, dtype={"customer": str}, parse_dates=["date"])
    orders = orders[orders["date"] < as_of]
    keys = pd.read_csv(customers_csv, dtype={"customer": str})["customer"]
    keypos = key_positions(keys)
    rfm(orders, keypos, as_of, int(bins)).to_csv(f"{out_dir}/rfm.csv", index_label="customer")
    tiers(orders, keypos, as_of, rule).to_csv(f"{out_dir}/tiers.csv", index=False)


if __name__ == "__main__":
    main()
