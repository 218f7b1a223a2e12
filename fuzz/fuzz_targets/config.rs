//! Any text as handoff.toml: a config or an error naming what is wrong, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(message) = handoff::config::Config::from_toml(text) {
            assert!(!message.is_empty());
        }
    }
});
