//! The bad-input corpus: files as strangers' exports come, each with its
//! expected outcome: a clear error (exit code and what the message names), or
//! a completed run whose rows are accounted for (read = used + rejected).

use std::path::Path;

use crate::support::*;

/// What a case expects.
enum Expect {
    /// The run fails with this exit code and a message holding every string.
    Fails(i32, &'static [&'static str]),
    /// The run completes; `(input, read, used, rejected)` rows, and the
    /// rejects file holds every string.
    Completes(
        &'static [(&'static str, usize, usize, usize)],
        &'static [&'static str],
    ),
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &'static [&'static str],
    expect: Expect,
}

const LEADS_HEADER: &str = "lead_id,created_at,name,phone,email\n";

fn leads(rows: &str) -> Vec<u8> {
    format!("{LEADS_HEADER}{rows}").into_bytes()
}

fn case(
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &'static [&'static str],
    expect: Expect,
) -> Case {
    Case {
        name,
        files,
        args,
        expect,
    }
}

fn cases() -> Vec<Case> {
    use Expect::*;
    let ok_lead = "L1,2026-11-12 10:00,Asha,9876543210,asha@example.com\n";
    let as_of: &[&str] = &["--as-of", "2026-11-20"];
    let mut wide = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    wide = format!("lead_id,created_at,{wide}\nL1,2026-11-12 10:00\n");
    let big_field = format!(
        "{LEADS_HEADER}L1,2026-11-12 10:00,{},9876543210,\n",
        "x".repeat(10 << 20)
    );
    let repeated: String = (0..10_000)
        .map(|i| format!("L1,2026-11-12 10:00,Asha {i},,\n"))
        .collect();
    let mut utf16_no_bom: Vec<u8> = Vec::new();
    for u in format!("{LEADS_HEADER}{ok_lead}").encode_utf16() {
        utf16_no_bom.extend(u.to_le_bytes());
    }
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(leads(ok_lead));
    vec![
        case("empty file", vec![("leads.csv", vec![])], &[], Fails(4, &["leads.csv", "empty"])),
        case("blank lines only", vec![("leads.csv", b"\n\n  \n".to_vec())], &[], Fails(4, &["empty"])),
        case("header only, as-of given", vec![("leads.csv", leads(""))], as_of, Completes(&[("leads", 0, 0, 0)], &[])),
        case("header only, no as-of", vec![("leads.csv", leads(""))], &[], Fails(4, &["no usable lead rows", "--as-of"])),
        case(
            "no header",
            vec![("leads.csv", b"L1,2026-11-12 10:00\nL2,2026-11-13 10:00\n".to_vec())],
            &[],
            Fails(4, &["`lead_id` is missing", "looks like data, not a header", "Headers present: L1, 2026-11-12 10:00"]),
        ),
        case(
            "required column missing, closest header named",
            vec![("leads.csv", b"Lead Ref,Created On\nL1,2026-11-12 10:00\n".to_vec())],
            &[],
            Fails(4, &["`lead_id` is missing", "[columns.leads]"]),
        ),
        case(
            "duplicated header names",
            vec![("leads.csv", b"lead_id,created_at,created_at\nL1,2026-11-12 10:00,garbage\n".to_vec())],
            as_of,
            Completes(&[("leads", 1, 1, 0)], &[]),
        ),
        case(
            "unsupported delimiter",
            vec![("leads.csv", b"lead_id:created_at\nL1:2026-11-12 10:00\n".to_vec())],
            &[],
            Fails(4, &["`lead_id` is missing"]),
        ),
        case(
            "semicolons and CRLF",
            vec![("leads.csv", b"lead_id;created_at\r\nL1;2026-11-12 10:00\r\nL2;2026-11-13 10:00\r\n".to_vec())],
            as_of,
            Completes(&[("leads", 2, 2, 0)], &[]),
        ),
        case(
            "binary garbage",
            vec![("leads.csv", (0..=255u8).cycle().take(4096).collect())],
            &[],
            Fails(4, &["binary"]),
        ),
        case("a PDF renamed .csv", vec![("leads.csv", b"%PDF-1.4\n1 0 obj\n".to_vec())], &[], Fails(4, &["PDF"])),
        case("an xlsx renamed .csv", vec![("leads.csv", b"PK\x03\x04\x14\x00".to_vec())], &[], Fails(4, &["ZIP", "CSV"])),
        case(
            "truncated mid-quote",
            vec![("leads.csv", leads("L1,2026-11-12 10:00,\"Asha\nL2,2026-11-13 10:00,Bala,,\n"))],
            as_of,
            Fails(4, &["leads.csv", "line 2", "never closes", "re-export"]),
        ),
        case("a 10 MB field", vec![("leads.csv", big_field.into_bytes())], as_of, Completes(&[("leads", 1, 1, 0)], &[])),
        case("100,000 columns", vec![("leads.csv", wide.into_bytes())], as_of, Completes(&[("leads", 1, 1, 0)], &[])),
        case(
            "NUL bytes inside a value",
            vec![("leads.csv", leads("L1,2026-11-12 10:00,As\0ha,,\n"))],
            as_of,
            Completes(&[("leads", 1, 1, 0)], &[]),
        ),
        case(
            "invalid UTF-8 (Windows-1252)",
            vec![("leads.csv", [leads("L1,2026-11-12 10:00,Jos"), vec![0xE9], b",,\n".to_vec()].concat())],
            as_of,
            Completes(&[("leads", 1, 1, 0)], &[]),
        ),
        case("UTF-16 without BOM", vec![("leads.csv", utf16_no_bom)], as_of, Completes(&[("leads", 1, 1, 0)], &[])),
        case("UTF-8 with BOM", vec![("leads.csv", bom)], as_of, Completes(&[("leads", 1, 1, 0)], &[])),
        case(
            "unparseable and impossible dates",
            vec![("leads.csv", leads("L1,yesterday,,,\nL2,2024/12/32,,,\nL3,2024-02-30 10:00,,,\nL4,2026-11-12 25:61,,,\nL5,2026-11-12 10:00,,,\n"))],
            as_of,
            Completes(&[("leads", 5, 1, 4)], &["not a date/time", "impossible date", "impossible time"]),
        ),
        case(
            "dates far in the future or before 1990",
            vec![("leads.csv", leads("L1,2150-01-01,,,\nL2,1985-06-01,,,\nL3,2026-11-12 10:00,,,\n"))],
            as_of,
            Completes(&[("leads", 3, 1, 2)], &["before 1990 or after 2099"]),
        ),
        case(
            "first contact before capture",
            vec![("leads.csv", b"lead_id,created_at,first_contact_at\nL1,2026-11-12 10:00,2026-11-12 09:00\n".to_vec())],
            as_of,
            Completes(&[("leads", 1, 1, 0)], &[]),
        ),
        case(
            "negative and absurd durations",
            vec![
                ("leads.csv", leads(ok_lead)),
                ("calls.csv", b"started_at,direction,lead_id,duration_s\n2026-11-12 10:05,out,L1,-5\n2026-11-12 10:06,out,L1,1e9\n2026-11-12 10:07,out,L1,95\n".to_vec()),
            ],
            as_of,
            Completes(&[("leads", 1, 1, 0), ("calls", 3, 1, 2)], &["negative", "absurdly large"]),
        ),
        case(
            "amounts: 1e309, NaN, -0, rupees with letters",
            vec![(
                "leads.csv",
                b"lead_id,created_at,deal_value\nL1,2026-11-12 10:00,1e309\nL2,2026-11-12 10:00,NaN\nL3,2026-11-12 10:00,-0\nL4,2026-11-12 10:00,\xe2\x82\xb9 abc\n".to_vec(),
            )],
            as_of,
            Completes(&[("leads", 4, 2, 2)], &["not an amount of money"]),
        ),
        case(
            "a phone that is an email and an email that is a phone",
            vec![("leads.csv", leads("L1,2026-11-12 10:00,Asha,asha@example.com,98765 43210\n"))],
            as_of,
            Completes(&[("leads", 1, 1, 0)], &[]),
        ),
        case("a lead id repeated 10,000 times", vec![("leads.csv", leads(&repeated))], as_of, Completes(&[("leads", 10_000, 10_000, 0)], &[])),
        case(
            "a calls file whose every phone matches no lead",
            vec![
                ("leads.csv", leads(ok_lead)),
                ("calls.csv", b"started_at,direction,phone\n2026-11-12 10:05,in,9000000001\n2026-11-12 10:06,out,9000000002\n".to_vec()),
            ],
            as_of,
            Completes(&[("leads", 1, 1, 0), ("calls", 2, 2, 0)], &[]),
        ),
        case(
            "a deals file naming no known lead",
            vec![("leads.csv", leads(ok_lead)), ("deals.csv", b"deal_id,lead_id,stage,amount\nD1,L404,won,100\n".to_vec())],
            as_of,
            Completes(&[("leads", 1, 1, 0), ("deals", 1, 1, 0)], &[]),
        ),
        case(
            "a call with neither phone nor lead id",
            vec![("leads.csv", leads(ok_lead)), ("calls.csv", b"started_at,direction,phone,lead_id\n2026-11-12 10:05,out,,\n".to_vec())],
            as_of,
            Completes(&[("leads", 1, 1, 0), ("calls", 1, 0, 1)], &["neither"]),
        ),
        case(
            "config: unknown key",
            vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[sla]\nhigh_minutes = 5\n".to_vec())],
            &[],
            Fails(3, &["line 2", "high_minutes"]),
        ),
        case(
            "config: bad time zone",
            vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[calendar]\ntime_zone = \"Mars/Olympus\"\n".to_vec())],
            &[],
            Fails(3, &["Mars/Olympus", "IANA"]),
        ),
        case(
            "config: overlapping opening hours",
            vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[calendar.hours]\nmon = \"09:00-13:00,12:00-18:00\"\n".to_vec())],
            &[],
            Fails(3, &["overlap", "line 2"]),
        ),
        case(
            "config: an SLA of zero",
            vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[sla.high]\ndue = \"0m\"\n".to_vec())],
            &[],
            Fails(3, &["zero"]),
        ),
        case(
            "config: every day closed",
            vec![
                ("leads.csv", leads(ok_lead)),
                ("handoff.toml", b"[calendar.hours]\nmon=\"closed\"\ntue=\"closed\"\nwed=\"closed\"\nthu=\"closed\"\nfri=\"closed\"\nsat=\"closed\"\nsun=\"closed\"\n".to_vec()),
            ],
            &[],
            Fails(3, &["every day is closed"]),
        ),
        case(
            "config: not TOML at all",
            vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"this is { not toml".to_vec())],
            &[],
            Fails(3, &["handoff.toml", "line 1"]),
        ),
        case(
            "as-of before all data",
            vec![("leads.csv", leads(ok_lead))],
            &["--as-of", "2020-01-01"],
            Completes(&[("leads", 1, 1, 0)], &[]),
        ),
        case("as-of unreadable", vec![("leads.csv", leads(ok_lead))], &["--as-of", "next tuesday"], Fails(2, &["--as-of"])),
        case(
            "as-of in the year 262143",
            vec![("leads.csv", leads(ok_lead))],
            &["--as-of", "+262143-12-31"],
            Fails(2, &["--as-of"]),
        ),
        case("as-of in 1066", vec![("leads.csv", leads(ok_lead))], &["--as-of", "1066-10-14"], Fails(2, &["between 1990 and 2099"])),
        case(
            "spreadsheet formulas in values",
            vec![("leads.csv", leads("L1,2026-11-12 10:00,=HYPERLINK(\"http://x\"),,\n"))],
            as_of,
            Completes(&[("leads", 1, 1, 0)], &[]),
        ),
        case(
            "ragged rows: too few fields are empty, too many reject the row",
            vec![(
                "leads.csv",
                leads("L1,2026-11-12 10:00\nL2,2026-11-13 10:00,Bala,,,extra,fields\nL3,2026-11-13 11:00,,,, \nL4,2026-11-13 12:00,,,,\n"),
            )],
            as_of,
            Completes(
                &[("leads", 4, 3, 1)],
                &[",3,(a field after the last header),extra,", "more fields than the header's 5"],
            ),
        ),
        case(
            "a named file that does not exist",
            vec![("leads.csv", leads(ok_lead))],
            &["--calls", "/nonexistent/calls.csv"],
            Fails(4, &["/nonexistent/calls.csv", "no such file"]),
        ),
        case(
            "the output folder cannot be made",
            vec![("leads.csv", leads(ok_lead)), ("out", b"a file in the way".to_vec())],
            as_of,
            Fails(5, &["cannot write", "out"]),
        ),
        // Issue 15's defects, one line each.
        case("CR-only line ends (old Mac)", vec![("leads.csv", b"lead_id,created_at\rL1,2026-11-12 10:00\rL2,2026-11-13 10:00\r".to_vec())], as_of, Completes(&[("leads", 2, 2, 0)], &[])),
        case("years 0000-0099 written with four digits", vec![("leads.csv", leads("L1,0026-11-12 10:00,,,\nL2,0000-01-01,,,\nL3,2026-11-12 10:00,,,\n"))], as_of, Completes(&[("leads", 3, 1, 2)], &["before 1990"])),
        case("blank and delimiter-only lines", vec![("leads.csv", leads("L1,2026-11-12 10:00,,,\n\n,,,,\n\nL2,2026-11-13 10:00,,,\n\n"))], as_of, Completes(&[("leads", 2, 2, 0)], &[])),
        case("config: average deal 1e308", vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[leakage]\naverage_deal = 1e308\n".to_vec())], &[], Fails(3, &["leakage.average_deal"])),
        case("config: average deal nan", vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[leakage]\naverage_deal = nan\n".to_vec())], &[], Fails(3, &["leakage.average_deal"])),
        case("config: a negative exchange rate", vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[exchange_rates]\nUSD = -83\n".to_vec())], &[], Fails(3, &["exchange_rates.USD"])),
        case("config: holiday in the wrong form", vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[calendar]\nholidays = [\"26/01/2026\"]\n".to_vec())], &[], Fails(3, &["YYYY-MM-DD"])),
        case("config: hours of the wrong type", vec![("leads.csv", leads(ok_lead)), ("handoff.toml", b"[calendar.hours]\nmon = 5\n".to_vec())], &[], Fails(3, &["09:00-18:00"])),
        case("stray quotes inside unquoted values", vec![("leads.csv", leads("L1,2026-11-12 10:00,Asha \"the Rao,,\nL2,2026-11-13 10:00,Ba\"la,,\n"))], as_of, Fails(4, &["line 2", "double the quote"])),
        case("a megabyte of NUL bytes", vec![("leads.csv", vec![0u8; 1 << 20])], as_of, Fails(4, &["binary"])),
        case("two amounts in one cell", vec![("leads.csv", b"lead_id,created_at,deal_value\nL1,2026-11-12 10:00,\xe2\x82\xb95 $5\nL2,2026-11-12 10:00,500\n".to_vec())], as_of, Completes(&[("leads", 2, 1, 1)], &["not an amount of money"])),
        case("a phone with an extension", vec![("leads.csv", leads("L1,2026-11-12 10:00,Asha,+91 98765 43210 #4,\n"))], as_of, Completes(&[("leads", 1, 1, 0)], &[])),
        case("two headers of one column, the first one empty", vec![("leads.csv", b"lead_id,created_at,Created Date\nL1,,2026-11-12 10:00\nL2,2026-11-13 10:00,\n".to_vec())], as_of, Completes(&[("leads", 2, 2, 0)], &[])),
        case("a Salesforce null id is no id", vec![("leads.csv", b"lead_id,created_at,deal_id\nL1,2026-11-12 10:00,000000000000000AAA\n000000000000000AAA,2026-11-12 10:00,\n".to_vec())], as_of, Completes(&[("leads", 2, 1, 1)], &["required value `lead_id` is empty"])),
        case("a zero-width space in an id", vec![("leads.csv", leads("L1\u{200b},2026-11-12 10:00,,,\nL1,2026-11-12 10:00,,,\n"))], as_of, Completes(&[("leads", 2, 2, 0)], &[])),
        case(
            "quoted field with a newline",
            vec![("leads.csv", leads("L1,2026-11-12 10:00,\"Asha\nRao\",,\nL2,bad date,,,\n"))],
            as_of,
            Completes(&[("leads", 2, 1, 1)], &[",4,"]),
        ),
    ]
}

fn run(case: &Case, dir: &Path) -> std::process::Output {
    for (name, bytes) in &case.files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let out = dir.join("out");
    let mut args = vec![
        "ledger",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(case.args);
    handoff(&args)
}

#[test]
fn every_corpus_case_has_its_expected_outcome() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() >= 40, "{} cases", all.len());
    for case in &all {
        let dir = tempfile::tempdir().unwrap();
        let o = run(case, dir.path());
        let (out, err) = (stdout(&o), stderr(&o));
        let problem = match &case.expect {
            Expect::Fails(code, needles) => {
                if o.status.code() != Some(*code) {
                    Some(format!(
                        "exit {:?}, expected {code}: {err}",
                        o.status.code()
                    ))
                } else {
                    needles
                        .iter()
                        .find(|n| !err.contains(*n))
                        .map(|n| format!("message lacks {n:?}: {err}"))
                }
            }
            Expect::Completes(counts, reasons) => {
                if !o.status.success() {
                    Some(format!("failed: {err}"))
                } else if let Some((input, ..)) = counts
                    .iter()
                    .find(|(i, r, u, j)| accounting(&out, i) != Some((*r, *u, *j)))
                {
                    Some(format!(
                        "{input} accounting is {:?}:\n{out}",
                        accounting(&out, input)
                    ))
                } else {
                    let rejects = std::fs::read_to_string(dir.path().join("out/rejects.csv"))
                        .unwrap_or_default();
                    reasons
                        .iter()
                        .find(|r| !rejects.contains(*r))
                        .map(|r| format!("rejects lack {r:?}:\n{rejects}"))
                }
            }
        };
        if let Some(p) = problem {
            failures.push(format!(
                "{}: {}",
                case.name,
                p.chars().take(600).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

#[test]
fn corpus_outputs_stay_safe() {
    // The formula case: the name is written neutralised.
    let dir = tempfile::tempdir().unwrap();
    let case = cases()
        .into_iter()
        .find(|c| c.name == "spreadsheet formulas in values")
        .unwrap();
    assert!(run(&case, dir.path()).status.success());
    let ledger = read_csv(&dir.path().join("out/ledger.csv"));
    assert!(
        ledger[0]["name"].starts_with("'=HYPERLINK"),
        "{}",
        ledger[0]["name"]
    );
}
