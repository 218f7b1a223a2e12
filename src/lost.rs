//! Lost reasons: the contract's normalisation and the mapping of free text to
//! the config's taxonomy. Mapping runs once per distinct normalised reason (a
//! few hundred at most), not per row, and comes back to the rows as a join.

use polars::prelude::*;

use crate::config::{LossClass, LostReasons};
use crate::error::{HandoffError, Result};

/// The category of a lost lead with no reason.
pub const MISSING_REASON: &str = "missing reason";
/// The class of text that maps to no category.
pub const UNCLASSIFIED: &str = "unclassified";

/// Lower-case; delete `.` and `'`; other runs of non-alphanumerics -> one space; trim.
/// Empty and the usual spellings of "nothing" become [`MISSING_REASON`].
pub fn normalise_reason(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.to_lowercase().chars() {
        if c == '.' || c == '\'' || c == '’' {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            out.push(c);
            space = false;
        } else {
            space = true;
        }
    }
    match out.as_str() {
        "" | "na" | "n a" | "none" | "nil" | "null" | "nan" => MISSING_REASON.to_string(),
        _ => out,
    }
}

/// The taxonomy category and class a normalised reason maps to, if any.
pub fn classify<'a>(reason: &str, taxonomy: &'a LostReasons) -> Option<(&'a str, LossClass)> {
    let synonyms = || {
        taxonomy.categories.iter().flat_map(|c| {
            std::iter::once(normalise_reason(&c.name))
                .chain(c.synonyms.iter().map(|s| normalise_reason(s)))
                .map(move |s| (s, c))
        })
    };
    // 1. Exact synonym (the category name counts as one).
    if let Some((_, c)) = synonyms().find(|(s, _)| s == reason) {
        return Some((&c.name, c.class));
    }
    // 2. Whole-word containment, the longest synonym winning; on equal
    //    lengths, the category listed first in config.
    let padded = format!(" {reason} ");
    let contained = synonyms()
        .filter(|(s, _)| padded.contains(&format!(" {s} ")))
        .fold(None, |best: Option<(String, _)>, (s, c)| match &best {
            Some((b, _)) if b.len() >= s.len() => best,
            _ => Some((s, c)),
        });
    if let Some((_, c)) = contained {
        return Some((&c.name, c.class));
    }
    // 3. A typo: optimal string alignment distance (a transposition costs 1)
    //    <= 1 when the normalised text has 4-7 characters, <= 2 for 8 or
    //    more; the closest category wins, ties to the one listed first.
    let limit = match reason.chars().count() {
        0..=3 => return None,
        4..=7 => 1,
        _ => 2,
    };
    synonyms()
        .map(|(s, c)| (strsim::osa_distance(&s, reason), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| (c.name.as_str(), c.class))
}

fn class_name(class: LossClass) -> &'static str {
    match class {
        LossClass::Process => "process",
        LossClass::Market => "market",
    }
}

/// Maps the distinct raw reasons of a frame's `reason` column: raw -> normalised, category, class.
/// `MISSING_REASON` is always a process loss.
pub fn reason_table(reasons: &Series, taxonomy: &LostReasons) -> Result<DataFrame> {
    let unique = reasons
        .unique()
        .map_err(HandoffError::engine("listing lost reasons"))?;
    let unique = unique
        .str()
        .map_err(HandoffError::engine("listing lost reasons"))?;
    let mut raw = Vec::new();
    let mut norm = Vec::new();
    let mut category = Vec::new();
    let mut class = Vec::new();
    for value in unique.iter().flatten() {
        let n = normalise_reason(value);
        let (cat, cls) = if n == MISSING_REASON {
            (Some(MISSING_REASON.to_string()), "process")
        } else {
            match classify(&n, taxonomy) {
                Some((c, k)) => (Some(c.to_string()), class_name(k)),
                None => (None, UNCLASSIFIED),
            }
        };
        raw.push(value.to_string());
        norm.push(n);
        category.push(cat);
        class.push(cls);
    }
    DataFrame::new_infer_height(vec![
        Column::new("_reason_raw".into(), raw),
        Column::new("_reason_norm".into(), norm),
        Column::new("_reason_category".into(), category),
        Column::new("_reason_class".into(), class),
    ])
    .map_err(HandoffError::engine("mapping lost reasons"))
}

/// Names of the categories flagged as unreachable-type in config.
pub fn unreachable_categories(taxonomy: &LostReasons) -> Vec<String> {
    taxonomy
        .categories
        .iter()
        .filter(|c| c.unreachable)
        .map(|c| c.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_as_the_contract_says() {
        assert_eq!(normalise_reason("  Not-Reachable!! "), "not reachable");
        assert_eq!(normalise_reason("Cust. didn't pick"), "cust didnt pick");
        assert_eq!(normalise_reason("N/A"), MISSING_REASON);
        assert_eq!(normalise_reason(""), MISSING_REASON);
        assert_eq!(normalise_reason("NULL"), MISSING_REASON);
    }

    #[test]
    fn maps_exact_contained_and_typos() {
        let t = LostReasons::default();
        assert_eq!(classify("no answer", &t).map(|c| c.0), Some("unreachable"));
        assert_eq!(
            classify("called 3 times no answer", &t).map(|c| c.0),
            Some("unreachable")
        );
        // Longest contained synonym wins: "went with competitor" over "later".
        assert_eq!(
            classify("went with competitor later", &t).map(|c| c.0),
            Some("competitor chosen")
        );
        // Typos: one edit on a 7-letter word, two on a longer phrase.
        assert_eq!(classify("costlly", &t).map(|c| c.0), Some("no budget"));
        assert_eq!(
            classify("not reachble", &t).map(|c| c.0),
            Some("unreachable")
        );
        assert_eq!(
            classify("not intrested", &t).map(|c| c.0),
            Some("not ready")
        );
        assert_eq!(classify("moved to dubai", &t), None);
    }

    fn taxonomy(categories: &[(&str, LossClass, &[&str])]) -> LostReasons {
        LostReasons {
            categories: categories
                .iter()
                .map(|(name, class, synonyms)| crate::config::LostCategory {
                    name: name.to_string(),
                    class: *class,
                    synonyms: synonyms.iter().map(|s| s.to_string()).collect(),
                    unreachable: false,
                })
                .collect(),
            min_count: 3,
        }
    }

    #[test]
    fn containment_ties_go_to_the_category_listed_first() {
        use LossClass::*;
        // "budget" and "timing" have six letters each; both are contained.
        let t = taxonomy(&[
            ("no budget", Market, &["budget"]),
            ("not ready", Market, &["timing"]),
        ]);
        assert_eq!(
            classify("budget and timing", &t).map(|c| c.0),
            Some("no budget")
        );
        let t = taxonomy(&[
            ("not ready", Market, &["timing"]),
            ("no budget", Market, &["budget"]),
        ]);
        assert_eq!(
            classify("budget and timing", &t).map(|c| c.0),
            Some("not ready")
        );
        // A longer synonym still beats an earlier, shorter one.
        let t = taxonomy(&[
            ("a", Market, &["price"]),
            ("b", Process, &["price too high"]),
        ]);
        assert_eq!(
            classify("price too high for them", &t).map(|c| c.0),
            Some("b")
        );
    }

    #[test]
    fn a_transposition_is_one_edit_judged_on_the_texts_length() {
        use LossClass::*;
        let t = taxonomy(&[
            ("busy", Process, &["busy"]),
            ("ghosted", Process, &["ghosted"]),
        ]);
        // "bsuy": 4 characters, one transposition (Levenshtein would count 2).
        assert_eq!(classify("bsuy", &t).map(|c| c.0), Some("busy"));
        // "gohsted": 7 characters, one transposition.
        assert_eq!(classify("gohsted", &t).map(|c| c.0), Some("ghosted"));
        // 3 characters: too short for any typo.
        assert_eq!(classify("bsy", &t), None);
        // The limit follows the text: "ghstd" (5 chars) is 2 edits from "ghosted": no match.
        assert_eq!(classify("ghstd", &t), None);
        // 8+ characters: two edits allowed ("unreachble" -> "unreachable" is 1; "unraechble" is 2).
        let t = taxonomy(&[("unreachable", Process, &[])]);
        assert_eq!(classify("unraechble", &t).map(|c| c.0), Some("unreachable"));
    }

    #[test]
    fn typo_ties_go_to_the_category_listed_first_and_the_closest_wins() {
        use LossClass::*;
        // "lost" is one edit from both "lose" and "most".
        let t = taxonomy(&[("x", Market, &["lose"]), ("y", Process, &["most"])]);
        assert_eq!(classify("lost", &t).map(|c| c.0), Some("x"));
        let t = taxonomy(&[("y", Process, &["most"]), ("x", Market, &["lose"])]);
        assert_eq!(classify("lost", &t).map(|c| c.0), Some("y"));
        // Closest first: "expensiv" (8 characters, 2 edits allowed) is 2 from
        // "expenses" (listed first) and 1 from "expensive".
        let t = taxonomy(&[("p", Market, &["expenses"]), ("q", Market, &["expensive"])]);
        assert_eq!(classify("expensiv", &t).map(|c| c.0), Some("q"));
    }
}
