//! How numbers and text read for people: money in the currency's own
//! conventions (INR groups as 8,40,000), durations as "4 min", "2 h 10 min",
//! "3 days", rates as "36%"; values quoted in messages; text made safe for a
//! terminal. metrics.json keeps the raw numbers. A leaf: the report, the
//! review sentences, the summary and the config's messages all use it.

/// The currency's symbol, and whether it groups digits the Indian way.
fn currency_style(code: &str) -> (&'static str, bool) {
    match code {
        "INR" => ("₹", true),
        "USD" => ("$", false),
        "EUR" => ("€", false),
        "GBP" => ("£", false),
        "RUB" => ("₽", false),
        "AED" => ("AED ", false),
        "SGD" => ("S$", false),
        _ => ("", false),
    }
}

/// Digits grouped: 3 at a time, or Indian (last 3, then 2s).
fn group(n: u64, indian: bool) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, tail) = digits.split_at(digits.len() - 3);
    let size = if indian { 2 } else { 3 };
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = head;
    while rest.len() > size {
        groups.push(&rest[rest.len() - size..]);
        rest = &rest[..rest.len() - size];
    }
    groups.push(rest);
    groups.reverse();
    format!("{},{tail}", groups.join(","))
}

/// Text for a terminal: control characters other than line feed and tab
/// (ESC, BEL, CR, C1 codes, ...) shown as `\u{1b}` escapes, so a value from an
/// input file cannot move the cursor, retitle the window or hide text.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// At most 80 characters of a value, for quoting it in a message (with `...`
/// when cut), control characters escaped.
pub fn clip(value: &str) -> String {
    const MAX: usize = 80;
    let mut out: String = value.chars().take(MAX).collect();
    if value.chars().nth(MAX).is_some() {
        out.push_str("...");
    }
    terminal_safe(&out)
}

/// Writes `text` to standard output, terminal-safe. A closed pipe (`| head`)
/// is not an error: the reader has what it wanted. Any other failure (a full
/// device) is an output error.
pub fn to_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out
        .write_all(terminal_safe(text).as_bytes())
        .and_then(|()| out.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes `text` to standard error, terminal-safe; a failure to write there
/// has nowhere to be reported, so it is ignored (never a panic).
pub fn to_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(terminal_safe(text).as_bytes());
}

/// Money rounded to whole units, with the currency's symbol and grouping.
pub fn money(value: Option<f64>, currency: &str) -> String {
    let Some(v) = value.filter(|v| v.is_finite()) else {
        return "n/a".into();
    };
    let (symbol, indian) = currency_style(currency);
    let sign = if v < 0.0 { "-" } else { "" };
    let amount = group(v.abs().round() as u64, indian);
    if symbol.is_empty() {
        format!("{sign}{amount} {currency}")
    } else {
        format!("{sign}{symbol}{amount}")
    }
}

/// A whole count with grouping.
pub fn count(n: u64, currency: &str) -> String {
    group(n, currency_style(currency).1)
}

/// Minutes as "0 min", "4 min", "2 h 10 min", "3 days 4 h".
pub fn duration(minutes: Option<f64>) -> String {
    let Some(m) = minutes.filter(|m| m.is_finite() && *m >= 0.0) else {
        return "n/a".into();
    };
    let m = m.round() as u64;
    match m {
        0..=59 => format!("{m} min"),
        60..=1439 => match m % 60 {
            0 => format!("{} h", m / 60),
            r => format!("{} h {r} min", m / 60),
        },
        _ => {
            let (d, h) = (m / 1440, (m % 1440) / 60);
            let days = if d == 1 {
                "1 day".to_string()
            } else {
                format!("{d} days")
            };
            if h == 0 {
                days
            } else {
                format!("{days} {h} h")
            }
        }
    }
}

/// A rate as a whole percentage.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or("n/a".into(), |r| format!("{:.0}%", r * 100.0))
}

/// A local ISO 8601 instant as a person reads it: `Tue 10 Nov, 09:35`
/// (the text as given when it is not such an instant).
pub fn when(iso: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(iso)
        .map(|t| t.format("%a %-d %b, %H:%M").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// A local date `2026-08-24` as a person reads it beside the period's
/// header: `24 Aug` (the text as given when it is no such date).
pub fn day(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%-d %b").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// Local ISO 8601 with the offset, as every output writes instants.
pub const ISO_LOCAL: &str = "%Y-%m-%dT%H:%M:%S%:z";
/// One epoch-ms instant as local ISO 8601 text, for messages and summaries.
pub fn local_iso_text(ms: i64, tz: chrono_tz::Tz) -> String {
    use chrono::TimeZone as _;
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format(ISO_LOCAL).to_string())
        .unwrap_or_else(|| format!("{ms} ms"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_follows_the_currency() {
        assert_eq!(money(Some(840_000.0), "INR"), "₹8,40,000");
        assert_eq!(money(Some(35_606_330.0), "INR"), "₹3,56,06,330");
        assert_eq!(money(Some(22_700.0), "USD"), "$22,700");
        assert_eq!(money(Some(1_234_567.4), "EUR"), "€1,234,567");
        assert_eq!(money(Some(35_000.0), "RUB"), "₽35,000");
        assert_eq!(money(Some(999.0), "INR"), "₹999");
        assert_eq!(money(Some(-1500.0), "INR"), "-₹1,500");
        assert_eq!(money(Some(12.0), "XYZ"), "12 XYZ");
        assert_eq!(money(None, "INR"), "n/a");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Some(4.2)), "4 min");
        assert_eq!(duration(Some(130.0)), "2 h 10 min");
        assert_eq!(duration(Some(120.0)), "2 h");
        assert_eq!(duration(Some(4320.0)), "3 days");
        assert_eq!(duration(Some(1500.0)), "1 day 1 h");
        assert_eq!(duration(None), "n/a");
        assert_eq!(percent(Some(0.3571)), "36%");
    }
}
