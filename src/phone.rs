//! Telephone numbering plans, from libphonenumber's metadata (the
//! `phonenumber` crate). The configured country's plan drives the fast path
//! in polars (`load::values::parse_phone`); the library completes what that
//! path leaves (each distinct value once) and checks that the configured
//! country fits a file's numbers. A leaf: it imports no module of this crate.

use std::str::FromStr;

use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, Type};

/// A country's plan, enough to complete its common national forms to E.164.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonePlan {
    /// ISO 3166 code, upper case (`IN`).
    pub country: String,
    /// Digits of the international calling code (`91`).
    pub calling_code: String,
    /// Digits of a mobile national significant number (the longest the plan
    /// allows: Italy's are 9 or 10).
    pub national_len: usize,
    /// The trunk prefix dialled before a national number (`0`; `8` in
    /// Russia; `1` in North America); empty where there is none.
    pub trunk: String,
}

impl PhonePlan {
    /// The plan of an ISO country code (any case), when libphonenumber knows it.
    pub fn for_country(code: &str) -> Option<PhonePlan> {
        let id = region(code)?;
        let meta = DATABASE.by_id(id.as_ref())?;
        let lengths = meta
            .descriptors()
            .mobile()
            .map(|d| d.possible_length())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| meta.descriptors().general().possible_length());
        let national_len = usize::from(*lengths.iter().max()?);
        Some(PhonePlan {
            country: id.as_ref().to_string(),
            calling_code: meta.country_code().to_string(),
            national_len,
            trunk: meta.national_prefix().unwrap_or("").to_string(),
        })
    }
}

/// Whether `code` is a country whose plan [`PhonePlan::for_country`] gives,
/// known without loading the numbering plans (see [`warm_up`]).
pub fn is_country(code: &str) -> bool {
    region(code).is_some_and(|id| !WITHOUT_PLAN.contains(&id.as_ref()))
}

/// Region codes whose metadata gives no mobile or general number length, so
/// [`PhonePlan::for_country`] has no plan for them (Tristan da Cunha); a test
/// keeps this in step with the library.
const WITHOUT_PLAN: &[&str] = &["TA"];

/// Loads libphonenumber's metadata (tens of milliseconds: it parses every
/// country's patterns) and compiles the patterns `country`'s numbers are
/// checked with, by checking its example mobile number: a thread can do this
/// while the inputs are read.
pub fn warm_up(country: &str) {
    let example = region(country)
        .and_then(|id| DATABASE.by_id(id.as_ref()))
        .and_then(|meta| meta.descriptors().mobile().and_then(|d| d.example()));
    if let Some(number) = example {
        valid_in(number, country);
    }
}

fn region(code: &str) -> Option<Id> {
    let upper = code.trim().to_ascii_uppercase();
    if upper.len() != 2 {
        return None;
    }
    Id::from_str(&upper).ok()
}

/// The number in E.164 when it is a valid number, read as dialled from
/// `country` (a number with its own country code keeps that country).
pub fn to_e164(text: &str, country: &str) -> Option<String> {
    let number = phonenumber::parse(region(country), text).ok()?;
    phonenumber::is_valid(&number).then(|| number.format().mode(Mode::E164).to_string())
}

/// The calling code a number written with one carries (`+30 69...` -> `30`).
pub fn calling_code_of(text: &str) -> Option<String> {
    let number = phonenumber::parse(None, text).ok()?;
    Some(number.code().value().to_string())
}

/// Whether a national number (as written in the file) is valid in `country`.
pub fn valid_in(text: &str, country: &str) -> bool {
    let Some(id) = region(country) else {
        return false;
    };
    phonenumber::parse(Some(id), text)
        .is_ok_and(|n| phonenumber::is_valid(&n) && n.country().id() == Some(id) && is_person(&n))
}

/// A number a person answers (mobile, fixed line, VoIP), not a service number.
fn is_person(n: &phonenumber::PhoneNumber) -> bool {
    matches!(
        n.number_type(&DATABASE),
        Type::Mobile | Type::FixedLine | Type::FixedLineOrMobile | Type::Voip
    )
}

/// The country that uses a calling code as its main one (`91` -> `IN`, `1` -> `US`).
pub fn country_of_code(code: &str) -> Option<String> {
    let code: u16 = code.parse().ok()?;
    let regions = DATABASE.by_code(&code)?;
    regions
        .iter()
        .find(|m| m.is_main_country_for_code())
        .or_else(|| regions.first())
        .map(|m| m.id().to_string())
}

/// The countries to suggest for these national numbers (as written in a
/// file), when fewer than [`FIT_SHARE`] of them are valid in `configured`:
/// those where the most of them are valid, at least that share, in
/// alphabetical order. Short national numbers fit many plans (8 digits are
/// valid in Honduras and Mongolia alike), so several may come back: the data
/// alone cannot choose between them. Every country libphonenumber knows is
/// tried; a sample of a few hundred numbers costs about a second.
pub fn suggest(numbers: &[&str], configured: &str) -> Option<Vec<String>> {
    // A country fits when `needed` numbers are valid in it; counting for the
    // configured one stops there: most files fit their country.
    let needed = (FIT_SHARE * numbers.len() as f64).ceil() as usize;
    let enough = |n: usize| n >= needed;
    let valid = (numbers.iter())
        .filter(|t| valid_in(t, configured))
        .take(needed)
        .count();
    if numbers.is_empty() || enough(valid) {
        return None;
    }
    let mut ids: Vec<&str> = DATABASE
        .iter()
        .map(|m| m.id())
        .filter(|id| id.len() == 2 && region(id).is_some())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let counts: Vec<(&str, usize)> = ids
        .into_iter()
        .map(|id| (id, numbers.iter().filter(|t| valid_in(t, id)).count()))
        .collect();
    let best = counts.iter().map(|c| c.1).max().filter(|n| enough(*n))?;
    Some(
        counts
            .into_iter()
            .filter(|c| c.1 == best)
            .map(|c| c.0.to_string())
            .collect(),
    )
}

/// The share of a file's national numbers that must be valid in the
/// configured country for it to fit (below it, the run warns).
pub const FIT_SHARE: f64 = 0.5;

/// National numbers checked per file for the fit of the configured country.
pub const FIT_SAMPLE: usize = 400;

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(country: &str, cc: &str, len: usize, trunk: &str) -> PhonePlan {
        PhonePlan {
            country: country.into(),
            calling_code: cc.into(),
            national_len: len,
            trunk: trunk.into(),
        }
    }

    #[test]
    fn every_country_code_known_has_a_plan() {
        let letters = || b'A'..=b'Z';
        for code in letters().flat_map(|a| letters().map(move |b| [a, b])) {
            let code = std::str::from_utf8(&code).unwrap();
            assert_eq!(
                is_country(code),
                PhonePlan::for_country(code).is_some(),
                "{code}: update WITHOUT_PLAN"
            );
        }
        assert!(is_country("in") && !is_country("XX") && !is_country("IND"));
    }

    #[test]
    fn plans_come_from_the_metadata_and_match_the_hand_written_ones() {
        // The 18 plans this tool carried by hand before the library.
        let expected = [
            plan("IN", "91", 10, "0"),
            plan("US", "1", 10, "1"),
            plan("CA", "1", 10, "1"),
            plan("GB", "44", 10, "0"),
            plan("RU", "7", 10, "8"),
            plan("KZ", "7", 10, "8"),
            plan("AE", "971", 9, "0"),
            plan("SA", "966", 9, "0"),
            plan("AU", "61", 9, "0"),
            plan("FR", "33", 9, "0"),
            plan("ES", "34", 9, ""),
            plan("IT", "39", 10, ""),
            plan("BR", "55", 11, "0"),
            plan("SG", "65", 8, ""),
            plan("PK", "92", 10, "0"),
            plan("BD", "880", 10, "0"),
            plan("NG", "234", 10, "0"),
            plan("ZA", "27", 9, "0"),
        ];
        for p in expected {
            assert_eq!(PhonePlan::for_country(&p.country.to_lowercase()), Some(p));
        }
        let mn = PhonePlan::for_country("MN").unwrap();
        assert_eq!((mn.calling_code.as_str(), mn.national_len), ("976", 8));
        assert_eq!(PhonePlan::for_country("XX"), None);
        assert_eq!(PhonePlan::for_country("IND"), None);
    }

    #[test]
    fn the_library_completes_odd_forms_and_keeps_a_number_s_own_country() {
        assert_eq!(
            to_e164("(+976) 8811-2233", "IN").as_deref(),
            Some("+97688112233")
        );
        assert_eq!(
            to_e164("0044 20 7946 0958", "IN").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(to_e164("12345", "IN"), None);
        assert_eq!(country_of_code("91").as_deref(), Some("IN"));
        assert_eq!(country_of_code("1").as_deref(), Some("US"));
    }

    #[test]
    fn mongolian_national_numbers_do_not_fit_india() {
        let mongolian = ["88112233", "99114455", "95123456", "80001122"];
        assert!(mongolian.iter().all(|n| valid_in(n, "MN")));
        let countries = suggest(&mongolian, "IN").unwrap();
        assert!(countries.contains(&"MN".to_string()), "{countries:?}");
        assert!(!countries.contains(&"IN".to_string()), "{countries:?}");
        assert_eq!(suggest(&mongolian, "MN"), None);
        // Indian mobiles fit India: nothing to suggest.
        assert_eq!(suggest(&["9876543210", "09876543211"], "IN"), None);
    }
}
