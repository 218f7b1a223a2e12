//! Phones through libphonenumber's plans (issue 17): other countries' forms
//! completed, any configured country, and a warning when the configured
//! country does not fit a file's numbers.

use std::fmt::Write;

use handoff::config::Config;
use handoff::load::{self, Loaded, ReadOptions};
use handoff::model::Input;

/// A leads file of `phones`, one lead each, loaded under `config`.
fn leads_with(phones: &[String], config: &str) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("lead_id,created_at,phone\n");
    for (i, p) in phones.iter().enumerate() {
        let _ = writeln!(csv, "L{i},2026-11-12 10:00,\"{p}\"");
    }
    let path = dir.path().join("leads.csv");
    std::fs::write(&path, csv).unwrap();
    let config = Config::from_toml(config).unwrap();
    load::load(Input::Leads, &path, &config, &ReadOptions::default()).unwrap()
}

fn phones_of(l: &Loaded) -> Vec<String> {
    let c = l.frame.column("phone").unwrap().str().unwrap().clone();
    c.iter().map(|v| v.unwrap_or("").to_string()).collect()
}

/// 25 Mongolian mobile numbers (8 digits, no trunk prefix), as written locally.
fn mongolian() -> Vec<String> {
    (0..25)
        .map(|i| format!("{} {:04}", 8811 + i, 1000 + i * 7))
        .collect()
}

#[test]
fn a_configured_country_outside_the_old_hand_written_plans_works() {
    let l = leads_with(&mongolian(), "[business]\nphone_country = \"MN\"\n");
    let phones = phones_of(&l);
    assert_eq!(phones[0], "+97688111000");
    assert!(
        phones
            .iter()
            .all(|p| p.starts_with("+976") && p.len() == 12),
        "{phones:?}"
    );
    assert!(l.stats.warnings.is_empty(), "{:?}", l.stats.warnings);
}

#[test]
fn national_numbers_invalid_in_the_configured_country_warn_and_name_candidates() {
    let l = leads_with(&mongolian(), "");
    let w = l.stats.warnings.join("\n");
    assert!(
        w.contains("25 of 25 national numbers checked are not valid phone numbers in IN"),
        "{w}"
    );
    assert!(w.contains("MN"), "{w}");
    assert!(w.contains("phone_country"), "{w}");
    // Indian numbers in every common form raise no warning.
    let indian: Vec<String> = (0..25)
        .map(|i| match i % 3 {
            0 => format!("98765 {:05}", 43210 + i),
            1 => format!("+91-98765-{:05}", 43210 + i),
            _ => format!("0{}", 9_876_543_210u64 + i as u64),
        })
        .collect();
    let l = leads_with(&indian, "");
    assert!(l.stats.warnings.is_empty(), "{:?}", l.stats.warnings);
    assert!(
        phones_of(&l).iter().all(|p| p.starts_with("+91")),
        "{:?}",
        phones_of(&l)
    );
}

#[test]
fn forms_the_fast_path_leaves_are_completed_by_the_library() {
    let odd = [
        "(+976) 8811-2233".to_string(),
        "0044 20 7946 0958".to_string(),
        "+44 (0) 20 7946 0958".to_string(),
        "12345".to_string(),
    ];
    let l = leads_with(&odd, "");
    assert_eq!(
        phones_of(&l),
        ["+97688112233", "+442079460958", "+442079460958", ""]
    );
}

#[test]
fn most_numbers_carrying_another_code_warn_about_the_national_ones() {
    let mut phones: Vec<String> = (0..30)
        .map(|i| format!("+30 69{:08}", 12_345_000 + i))
        .collect();
    phones.push("6912345999".into());
    let l = leads_with(&phones, "");
    let w = l.stats.warnings.join("\n");
    assert!(w.contains("carry +30 (GR)"), "{w}");
    assert!(w.contains("phone_country = \"GR\""), "{w}");
    // The numbers with a code keep their own country.
    assert!(phones_of(&l)[..30].iter().all(|p| p.starts_with("+3069")));
}

#[test]
fn the_page_shows_the_phone_country_warning_under_its_headline() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("lead_id,created_at,phone\n");
    for (i, p) in mongolian().iter().enumerate() {
        let _ = writeln!(csv, "L{i},2026-11-1{} 10:00,{p}", i % 6);
    }
    std::fs::write(dir.path().join("leads.csv"), csv).unwrap();
    let out = dir.path().join("out");
    let o = crate::support::handoff(&[
        "scorecard",
        "--data",
        dir.path().to_str().unwrap(),
        "--week",
        "2026-W46",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let page = std::fs::read_to_string(out.join("scorecard.html")).unwrap();
    assert!(
        page.contains("<p class=\"warning\">leads: phone: 25 of 25 national numbers"),
        "the warning is not under the headline"
    );
    // Leads came in though nothing could be judged: the verdict says so.
    assert!(page.contains("25 leads handed off. Nothing else can be judged"));
    assert!(!page.contains("No leads in this period."));
}
