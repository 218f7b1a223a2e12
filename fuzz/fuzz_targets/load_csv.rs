//! Any bytes as a leads export: the loader returns rows or an error, never panics,
//! and every row it reads is used or rejected.
#![no_main]

use handoff::config::Config;
use handoff::model::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("leads.csv");
    let mut content = b"lead_id,created_at,phone,email,deal_value,first_contact_at\n".to_vec();
    content.extend_from_slice(data);
    std::fs::write(&path, &content).expect("write");
    if let Ok(loaded) = handoff::load::load(Input::Leads, &path, &Config::default(), &Default::default()) {
        let s = &loaded.stats;
        assert_eq!(s.rows_read, s.rows_used + s.rows_rejected);
    }
    // The raw bytes alone, header and all.
    std::fs::write(&path, data).expect("write");
    let _ = handoff::load::load(Input::Leads, &path, &Config::default(), &Default::default());
});
