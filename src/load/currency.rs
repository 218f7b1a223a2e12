//! Currency conversion of money columns into the report currency.

use polars::prelude::*;

use super::mapping::Mapped;
use super::{CurrencyUse, money, raw_col};
use crate::config::Config;
use crate::error::{HandoffError, Result};
use crate::model::{self, Kind};

/// Puts every amount in the report currency. An amount's currency is the
/// file's `currency` column, else the symbol or code in its text, else the
/// report currency; another currency is converted with `[exchange_rates]`,
/// and without a rate it is kept as empty (never added to the wrong money).
pub(super) fn convert_currencies(
    df: DataFrame,
    mapping: &[Mapped],
    config: &Config,
) -> Result<(DataFrame, Vec<CurrencyUse>)> {
    let home = config.business.currency.to_uppercase();
    let money: Vec<&Mapped> = mapping
        .iter()
        .filter(|m| m.spec.kind == Kind::Money)
        .collect();
    if money.is_empty() {
        return Ok((df, Vec::new()));
    }
    let has_currency_column = mapping.iter().any(|m| m.spec.name == model::CURRENCY);
    let (codes, rates): (Vec<String>, Vec<f64>) = std::iter::once((home.clone(), 1.0))
        .chain(
            config
                .exchange_rates
                .iter()
                .filter(|(c, _)| c.to_uppercase() != home)
                .map(|(c, r)| (c.to_uppercase(), *r)),
        )
        .unzip();
    let mut uses = Vec::new();
    let mut df = df;
    for m in money {
        let name = m.spec.name;
        let cur = format!("_currency_{name}");
        let from_column = if has_currency_column {
            col(model::CURRENCY).str().to_uppercase()
        } else {
            lit(NULL).cast(DataType::String)
        };
        let currency = coalesce(&[
            from_column,
            money::currency_of(col(raw_col(name)), &home),
            lit(home.clone()),
        ]);
        let rate = col(cur.as_str()).replace_strict(
            lit(Series::new("c".into(), codes.clone())),
            lit(Series::new("r".into(), rates.clone())),
            Some(lit(NULL).cast(DataType::Float64)),
            Some(DataType::Float64),
        );
        df = df
            .lazy()
            .with_column(
                when(col(name).is_null())
                    .then(lit(NULL).cast(DataType::String))
                    .otherwise(currency)
                    .alias(cur.as_str()),
            )
            .with_column((col(name) * rate).alias(name))
            .collect()
            .map_err(HandoffError::engine("converting currencies"))?;
        let counts = df
            .clone()
            .lazy()
            .filter(col(cur.as_str()).is_not_null())
            .group_by([col(cur.as_str())])
            .agg([len().alias("n")])
            .sort([cur.as_str()], SortMultipleOptions::default())
            .collect()
            .map_err(HandoffError::engine("counting currencies"))?;
        let cs = counts
            .column(&cur)
            .and_then(|c| c.str().cloned())
            .map_err(HandoffError::engine("counting currencies"))?;
        let ns = counts
            .column("n")
            .and_then(|c| c.cast(&DataType::Int64))
            .map_err(HandoffError::engine("counting currencies"))?;
        let ns = ns
            .i64()
            .map_err(HandoffError::engine("counting currencies"))?;
        for (c, n) in cs.iter().zip(ns.iter()) {
            let c = c.unwrap_or_default().to_string();
            let rate = codes.iter().position(|k| *k == c).map(|i| rates[i]);
            uses.push(CurrencyUse {
                column: name.to_string(),
                currency: c,
                amounts: n.unwrap_or(0) as usize,
                rate,
            });
        }
        df = df
            .drop(&cur)
            .map_err(HandoffError::engine("converting currencies"))?;
    }
    Ok((df, uses))
}
