//! `handoff sample`: a deterministic, realistic data set for a small Indian
//! home-interiors business in Pune (Asia/Kolkata): Meta lead forms, Google
//! search, WhatsApp click-to-chat, referrals and a listings portal; five reps
//! of different speed and diligence; after-hours leads; duplicate CRM rows,
//! typo-ridden lost reasons, orphaned inquiries and a few unreadable rows.
//!
//! The same seed always writes the same bytes (ChaCha8, no clock, no HashMap).
//! The bundled `sample-data/` is `handoff sample --leads 3000 --seed 46`.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Asia::Kolkata;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cli::SampleArgs;
use crate::error::{HandoffError, Result};

struct Campaign {
    source: &'static str,
    name: &'static str,
    medium: &'static str,
    /// Share of leads.
    weight: f64,
    /// Probability a contacted lead qualifies.
    quality: f64,
    /// Has a form submission before the CRM record.
    form: Option<&'static str>,
    channel: &'static str,
    /// Daily spend in rupees (0: free channel).
    daily_spend: f64,
}

const CAMPAIGNS: &[Campaign] = &[
    Campaign {
        source: "google_ads",
        name: "GA_Search_ModularKitchen_Pune",
        medium: "cpc",
        weight: 0.17,
        quality: 0.55,
        form: Some("Kitchen quote form"),
        channel: "web",
        daily_spend: 6500.0,
    },
    Campaign {
        source: "google_ads",
        name: "GA_Search_Interiors_Generic",
        medium: "cpc",
        weight: 0.12,
        quality: 0.38,
        form: Some("Free consultation form"),
        channel: "web",
        daily_spend: 4800.0,
    },
    Campaign {
        source: "google_ads",
        name: "GA_PMax_HomeInteriors",
        medium: "pmax",
        weight: 0.08,
        quality: 0.22,
        form: Some("Free consultation form"),
        channel: "web",
        daily_spend: 3900.0,
    },
    Campaign {
        source: "meta_ads",
        name: "FB_LeadForm_Kitchen_Diwali_Offer",
        medium: "paid_social",
        weight: 0.22,
        quality: 0.16,
        form: Some("Diwali kitchen offer"),
        channel: "facebook",
        daily_spend: 5200.0,
    },
    Campaign {
        source: "meta_ads",
        name: "IG_Reels_Wardrobe_Designs",
        medium: "paid_social",
        weight: 0.10,
        quality: 0.28,
        form: Some("Wardrobe catalogue"),
        channel: "instagram",
        daily_spend: 2600.0,
    },
    Campaign {
        source: "whatsapp",
        name: "WA_ClickToChat",
        medium: "chat",
        weight: 0.11,
        quality: 0.50,
        form: Some("WhatsApp inquiry"),
        channel: "whatsapp",
        daily_spend: 900.0,
    },
    Campaign {
        source: "organic",
        name: "Website_Contact",
        medium: "organic",
        weight: 0.07,
        quality: 0.46,
        form: Some("Contact us"),
        channel: "web",
        daily_spend: 0.0,
    },
    Campaign {
        source: "referral",
        name: "Customer_Referral",
        medium: "referral",
        weight: 0.05,
        quality: 0.70,
        form: None,
        channel: "phone",
        daily_spend: 0.0,
    },
    Campaign {
        source: "justdial",
        name: "JD_Listing_Interiors",
        medium: "listing",
        weight: 0.06,
        quality: 0.12,
        form: None,
        channel: "portal",
        daily_spend: 1100.0,
    },
    Campaign {
        source: "walk_in",
        name: "",
        medium: "offline",
        weight: 0.02,
        quality: 0.65,
        form: None,
        channel: "showroom",
        daily_spend: 0.0,
    },
];

struct Rep {
    name: &'static str,
    /// Median first response, in minutes of open time.
    median_min: f64,
    /// Outbound attempts the rep makes on a lead that does not pick up.
    diligence: u32,
    weight: f64,
}

const REPS: &[Rep] = &[
    Rep {
        name: "Priya Nair",
        median_min: 4.0,
        diligence: 6,
        weight: 0.26,
    },
    Rep {
        name: "Rohan Kulkarni",
        median_min: 18.0,
        diligence: 5,
        weight: 0.24,
    },
    Rep {
        name: "Aman Verma",
        median_min: 95.0,
        diligence: 3,
        weight: 0.2,
    },
    Rep {
        name: "Sneha Patil",
        median_min: 9.0,
        diligence: 2,
        weight: 0.2,
    },
    Rep {
        name: "Vikram Deshmukh",
        median_min: 40.0,
        diligence: 4,
        weight: 0.1,
    },
];

const SERVICES: &[&str] = &[
    "Modular kitchen",
    "Wardrobe",
    "Full home interior",
    "Bathroom renovation",
    "Living room makeover",
];
const CITIES: &[&str] = &[
    "Pune",
    "Pune",
    "Pune",
    "Pimpri-Chinchwad",
    "Hinjewadi",
    "Wakad",
    "Kharadi",
    "Baner",
    "Hadapsar",
    "Mumbai",
];
const FIRST: &[&str] = &[
    "Aarav", "Ananya", "Rahul", "Sneha", "Vivek", "Pooja", "Amit", "Neha", "Sanjay", "Kavya",
    "Rohit", "Isha", "Nikhil", "Meera", "Arjun", "Divya", "Karan", "Riya", "Suresh", "Lakshmi",
    "Farhan", "Zoya", "Gurpreet", "Deepa",
];
const LAST: &[&str] = &[
    "Sharma",
    "Joshi",
    "Kulkarni",
    "Deshpande",
    "Iyer",
    "Reddy",
    "Gupta",
    "Patil",
    "Khan",
    "Singh",
    "Menon",
    "Bhat",
    "Shinde",
    "Mehta",
    "Rao",
    "Pawar",
];

/// Lost reasons as reps type them: (text, weight). Typos and variants on purpose.
const LOST_UNREACHABLE: &[(&str, f64)] = &[
    ("Not reachable", 3.0),
    ("RNR", 2.0),
    ("not reachble", 1.0),
    ("switched off", 1.0),
    ("No answer after calls", 1.0),
    ("ringing no response", 1.0),
    ("Wrong number", 0.5),
];
const LOST_MARKET: &[(&str, f64)] = &[
    ("Budget issue", 3.0),
    ("too expensive", 2.0),
    ("costlly", 0.5),
    ("went with competitor", 1.5),
    ("Hired local carpenter", 1.0),
    ("Hired local carpenter.", 0.5),
    ("local vendor cheaper", 1.0),
    ("not interested", 2.5),
    ("Not intrested", 1.0),
    ("just checking price", 1.5),
    ("postponed", 1.0),
    ("plan dropped - moving city", 0.7),
    ("out of area", 0.8),
    ("Job seeker", 0.4),
    ("possession delayed by builder", 1.2),
    ("Possesion delayed", 0.6),
    ("flat possession delayed", 0.5),
    ("loan not approved", 0.6),
    ("Loan not sanctioned", 0.4),
];
const LOST_PROCESS: &[(&str, f64)] = &[
    ("no follow up", 1.0),
    ("forgot to follow up", 0.5),
    ("duplicate lead", 0.6),
    ("Already in CRM", 0.3),
    ("no response", 1.2),
    ("stopped responding", 0.8),
];
const RETURN_REASONS: &[&str] = &[
    "not sales-ready",
    "only wants brochure",
    "student project",
    "",
    "future requirement (2027)",
];

struct Ctx {
    rng: ChaCha8Rng,
    start: NaiveDate,
    days: i64,
    holidays: Vec<NaiveDate>,
}

impl Ctx {
    fn pick<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> f64) -> &'a T {
        let total: f64 = items.iter().map(&weight).sum();
        let mut x = self.rng.random::<f64>() * total;
        for item in items {
            x -= weight(item);
            if x <= 0.0 {
                return item;
            }
        }
        &items[items.len() - 1]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// Log-normal minutes with the given median.
    fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        // Box-Muller from two uniforms.
        let u1: f64 = self.rng.random::<f64>().max(1e-12);
        let u2: f64 = self.rng.random();
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        median * (sigma * z).exp()
    }

    fn is_open(&self, t: NaiveDateTime) -> bool {
        let (open, close) = hours(t.date());
        !self.holidays.contains(&t.date()) && close > open && t.time() >= open && t.time() < close
    }

    /// The next moment the business is open, at or after `t`.
    fn next_open(&self, t: NaiveDateTime) -> NaiveDateTime {
        if self.is_open(t) {
            return t;
        }
        let mut day = t.date();
        loop {
            let (open, close) = hours(day);
            if close > open && !self.holidays.contains(&day) {
                let opening = day.and_time(open);
                if opening >= t {
                    return opening;
                }
            }
            day += Duration::days(1);
        }
    }

    /// `t` plus `minutes` of open time.
    fn add_open(&self, t: NaiveDateTime, minutes: f64) -> NaiveDateTime {
        let mut t = self.next_open(t);
        let mut left = minutes;
        loop {
            let close = t.date().and_time(hours(t.date()).1);
            let avail = (close - t).num_seconds() as f64 / 60.0;
            if left <= avail {
                return t + Duration::seconds((left * 60.0) as i64);
            }
            left -= avail;
            t = self.next_open(close + Duration::seconds(1));
        }
    }
}

fn hours(day: NaiveDate) -> (NaiveTime, NaiveTime) {
    let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
    match day.weekday() {
        Weekday::Sun => (hm(0, 0), hm(0, 0)),
        Weekday::Sat => (hm(10, 0), hm(17, 0)),
        _ => (hm(9, 30), hm(19, 0)),
    }
}

struct Lead {
    id: String,
    created: NaiveDateTime,
    name: String,
    email: Option<String>,
    phone_digits: String,
    city: &'static str,
    campaign: &'static Campaign,
    service: &'static str,
    intent: &'static str,
    owner: Option<&'static Rep>,
    assigned: Option<NaiveDateTime>,
    first_contact: Option<NaiveDateTime>,
    qualified: Option<NaiveDateTime>,
    meeting: Option<NaiveDateTime>,
    proposal: Option<NaiveDateTime>,
    won: Option<NaiveDateTime>,
    lost: Option<NaiveDateTime>,
    status: &'static str,
    lost_reason: Option<&'static str>,
    returned: Option<(NaiveDateTime, &'static str)>,
    value: Option<f64>,
    next_action: Option<NaiveDateTime>,
    updated: NaiveDateTime,
}

/// Deal times as a CRM in an Indian locale writes them (`03/10/2026 10:30 PM`).
const DEAL_TIME: &str = "%d/%m/%Y %I:%M %p";
/// Call times as dialler exports write them (`01-09-2026 13:38:33`).
const CALL_TIME: &str = "%d-%m-%Y %H:%M:%S";

struct Writers {
    leads: csv::Writer<BufWriter<File>>,
    deals: csv::Writer<BufWriter<File>>,
    forms: csv::Writer<BufWriter<File>>,
    calls: csv::Writer<BufWriter<File>>,
}

/// A CSV writer for `name`; `bom`: the file starts with a UTF-8 byte-order
/// mark, as Excel and some CRMs write (one sample file carries one).
fn create(dir: &Path, name: &str, bom: bool) -> Result<csv::Writer<BufWriter<File>>> {
    use std::io::Write;
    let path = dir.join(name);
    let failed = |source| HandoffError::Output {
        path: path.display().to_string(),
        source,
    };
    let file = File::create(&path).map_err(failed)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    if bom {
        out.write_all("\u{feff}".as_bytes()).map_err(failed)?;
    }
    Ok(csv::Writer::from_writer(out))
}

fn out_err(path: &Path) -> impl Fn(csv::Error) -> HandoffError + '_ {
    move |e| HandoffError::Output {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Writes the sample files into `args.out` and returns their paths.
pub fn write(args: &SampleArgs) -> Result<Vec<PathBuf>> {
    let dir = crate::report::ensure_dir(&args.out)?;
    let end = args.end + Duration::days(i64::from(6 - args.end.weekday().num_days_from_monday()));
    let days = i64::from(args.weeks.max(1)) * 7;
    let start = end - Duration::days(days - 1);
    let mut ctx = Ctx {
        rng: ChaCha8Rng::seed_from_u64(args.seed),
        start,
        days,
        holidays: holidays(start, end),
    };
    let mut w = Writers {
        leads: create(&dir, "leads.csv", false)?,
        deals: create(&dir, "deals.csv", false)?,
        forms: create(&dir, "forms.csv", true)?,
        calls: create(&dir, "calls.csv", false)?,
    };
    let err = out_err(&dir);
    write_headers(&mut w).map_err(&err)?;
    let as_of = end
        .succ_opt()
        .unwrap_or(end)
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    let mut call_seq = 0u64;
    for i in 0..args.leads {
        let lead = make_lead(&mut ctx, i, as_of);
        // A lead the CRM had not created by export time exists only as its form.
        let in_crm = lead.created <= as_of;
        if in_crm {
            write_lead(&mut ctx, &mut w, &lead, i).map_err(&err)?;
        }
        write_form(&mut ctx, &mut w, &lead, as_of).map_err(&err)?;
        if in_crm {
            write_calls(&mut ctx, &mut w, &lead, as_of, &mut call_seq).map_err(&err)?;
            write_deal(&mut ctx, &mut w, &lead, i).map_err(&err)?;
        }
    }
    write_orphans(&mut ctx, &mut w, args.leads, &mut call_seq).map_err(&err)?;
    for wr in [&mut w.leads, &mut w.deals, &mut w.forms, &mut w.calls] {
        wr.flush().map_err(|source| HandoffError::Output {
            path: dir.display().to_string(),
            source,
        })?;
    }
    write_spend(&mut ctx, &dir)?;
    let config = dir.join("handoff.toml");
    crate::report::write_atomic(&config, sample_config(&ctx.holidays).as_bytes())?;
    Ok(FILES.iter().map(|n| dir.join(n)).collect())
}

/// The files `handoff sample` writes, in the order it lists them.
pub const FILES: [&str; 6] = [
    "leads.csv",
    "deals.csv",
    "forms.csv",
    "calls.csv",
    "spend.csv",
    "handoff.toml",
];

fn holidays(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    // Gandhi Jayanti, Dussehra, Diwali (Lakshmi Puja) and the day after, Christmas, Republic Day.
    let fixed = [
        (10, 2),
        (10, 20),
        (11, 8),
        (11, 9),
        (12, 25),
        (1, 26),
        (8, 15),
    ];
    let mut out = Vec::new();
    for year in start.year()..=end.year() {
        for (m, d) in fixed {
            if let Some(day) = NaiveDate::from_ymd_opt(year, m, d)
                && day >= start
                && day <= end
            {
                out.push(day);
            }
        }
    }
    out.sort();
    out
}

fn write_headers(w: &mut Writers) -> csv::Result<()> {
    w.leads.write_record([
        "Lead ID",
        "Create Date",
        "Full Name",
        "Email",
        "Mobile",
        "City",
        "Lead Source",
        "Campaign",
        "Medium",
        "Service Needed",
        "Priority",
        "Lead Owner",
        "Assigned Date",
        "First Contacted At",
        "Qualified At",
        "Site Visit At",
        "Quote Sent At",
        "Won At",
        "Lost At",
        "Lead Status",
        "Lost Reason",
        "Returned At",
        "Return Reason",
        "Deal Value",
        "Next Follow Up",
        "Last Modified",
    ])?;
    w.deals.write_record([
        "Deal ID",
        "Lead ID",
        "Created Date",
        "Stage",
        "Amount",
        "Close Date",
        "Deal Owner",
        "Loss Reason",
    ])?;
    w.forms.write_record([
        "submitted_at",
        "submission_id",
        "full_name",
        "email",
        "phone_number",
        "city",
        "form_name",
        "platform",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_content",
        "landing_page",
        "message",
    ])?;
    w.calls.write_record([
        "Call ID",
        "Start Time",
        "Call Type",
        "Customer Number",
        "Lead ID",
        "Agent Name",
        "Duration",
        "Call Status",
        "Medium",
    ])
}

fn make_lead(ctx: &mut Ctx, i: usize, as_of: NaiveDateTime) -> Lead {
    let campaign = ctx.pick(CAMPAIGNS, |c| c.weight);
    // Capture time: more inquiries in the evening; social ads late at night.
    let day = ctx.start + Duration::days(ctx.rng.random_range(0..ctx.days));
    let evening = if campaign.source == "meta_ads" {
        0.32
    } else {
        0.18
    };
    let hour: f64 = if ctx.chance(evening) {
        ctx.rng.random_range(19.0..23.99)
    } else {
        ctx.rng.random_range(8.5..19.0)
    };
    let captured =
        day.and_hms_opt(0, 0, 0).expect("midnight") + Duration::seconds((hour * 3600.0) as i64);
    // The CRM record follows the form after a lag: integrations in minutes, manual entry later.
    let lag_min = match campaign.source {
        "meta_ads" if ctx.chance(0.2) => ctx.lognormal(600.0, 0.6),
        "meta_ads" => ctx.lognormal(3.0, 0.8),
        "whatsapp" => ctx.lognormal(25.0, 1.2),
        "google_ads" | "organic" => ctx.lognormal(1.0, 0.5),
        _ => 0.0,
    };
    let created = captured + Duration::seconds((lag_min * 60.0) as i64);
    let first = FIRST[ctx.rng.random_range(0..FIRST.len())];
    let last = LAST[ctx.rng.random_range(0..LAST.len())];
    let phone_digits = format!(
        "{}{:09}",
        [9, 8, 7, 6][ctx.rng.random_range(0..4)],
        ctx.rng.random_range(0..1_000_000_000u64)
    );
    let email = ctx.chance(0.75).then(|| {
        let domain = ["gmail.com", "yahoo.co.in", "outlook.com", "rediffmail.com"]
            [ctx.rng.random_range(0..4)];
        format!(
            "{}.{}{}@{domain}",
            first.to_lowercase(),
            last.to_lowercase(),
            i % 997
        )
    });
    let intent = match (campaign.source, ctx.rng.random::<f64>()) {
        ("referral" | "walk_in" | "whatsapp", x) if x < 0.7 => "Hot",
        ("justdial", x) if x < 0.6 => "Cold",
        (_, x) if x < 0.2 => "Hot",
        (_, x) if x < 0.8 => "Warm",
        _ => "Cold",
    };
    let owner = ctx.chance(0.97).then(|| ctx.pick(REPS, |r| r.weight));
    let mut lead = Lead {
        id: format!("L-{:07}", 100_000 + i),
        created,
        name: format!("{first} {last}"),
        email,
        phone_digits,
        city: CITIES[ctx.rng.random_range(0..CITIES.len())],
        campaign,
        service: SERVICES[ctx.rng.random_range(0..SERVICES.len())],
        intent,
        owner,
        assigned: None,
        first_contact: None,
        qualified: None,
        meeting: None,
        proposal: None,
        won: None,
        lost: None,
        status: "New",
        lost_reason: None,
        returned: None,
        value: None,
        next_action: None,
        updated: created,
    };
    progress(ctx, &mut lead, captured, as_of);
    lead
}

/// Moves a lead down the funnel: response, qualification, meeting, proposal, close.
fn progress(ctx: &mut Ctx, lead: &mut Lead, captured: NaiveDateTime, as_of: NaiveDateTime) {
    let Some(rep) = lead.owner else {
        lead.status = if ctx.chance(0.5) {
            "New"
        } else {
            "Closed Lost"
        };
        if lead.status == "Closed Lost" {
            lead.lost = Some(lead.created + Duration::days(ctx.rng.random_range(3..20)));
            lead.lost_reason = ctx.chance(0.4).then_some("no follow up");
        }
        settle(lead, as_of);
        return;
    };
    lead.assigned = Some(lead.created + Duration::seconds(ctx.rng.random_range(5..600)));
    let touched = ctx.chance(if rep.diligence <= 2 { 0.86 } else { 0.93 });
    let delay = ctx.lognormal(rep.median_min, 1.0);
    let response = ctx.add_open(lead.created.max(captured), delay);
    if !touched || response > as_of {
        lead.status = if ctx.chance(0.55) {
            "New"
        } else {
            "Closed Lost"
        };
        if lead.status == "Closed Lost" {
            lead.lost = Some(lead.created + Duration::days(ctx.rng.random_range(2..15)));
            lead.lost_reason = if ctx.chance(0.5) {
                Some(weighted(ctx, LOST_UNREACHABLE))
            } else {
                None
            };
        }
        settle(lead, as_of);
        return;
    }
    lead.first_contact = Some(response);
    lead.updated = response;
    // Faster first response raises the chance of qualifying, as the business will see in its data.
    let minutes = (response - captured).num_minutes() as f64;
    let speed = if minutes <= 5.0 {
        1.25
    } else if minutes <= 30.0 {
        1.05
    } else if minutes <= 240.0 {
        0.8
    } else {
        0.6
    };
    let reached = ctx.chance(0.82);
    if !reached {
        lead.status = "Closed Lost";
        lead.lost = Some(response + Duration::days(ctx.rng.random_range(2..10)));
        lead.lost_reason = Some(weighted(ctx, LOST_UNREACHABLE));
        settle(lead, as_of);
        return;
    }
    if ctx.chance(0.03) {
        let reason = RETURN_REASONS[ctx.rng.random_range(0..RETURN_REASONS.len())];
        lead.returned = Some((
            response + Duration::hours(ctx.rng.random_range(1..72)),
            reason,
        ));
        lead.status = "Returned to Marketing";
        settle(lead, as_of);
        return;
    }
    if !ctx.chance(lead.campaign.quality * speed) {
        lead.status = if ctx.chance(0.12) {
            "Nurturing"
        } else {
            "Unqualified"
        };
        if lead.status == "Unqualified" {
            lead.lost = Some(response + Duration::hours(ctx.rng.random_range(1..96)));
            lead.lost_reason = if ctx.chance(0.1) {
                None
            } else if ctx.chance(0.12) {
                Some(weighted(ctx, LOST_PROCESS))
            } else {
                Some(weighted(ctx, LOST_MARKET))
            };
        }
        settle(lead, as_of);
        return;
    }
    let qualified = response + Duration::minutes(ctx.rng.random_range(5..2880));
    lead.qualified = Some(qualified);
    lead.status = "Working";
    lead.value = Some((ctx.rng.random_range(120..900) as f64) * 1000.0);
    if ctx.chance(0.62) {
        let meeting = qualified + Duration::hours(ctx.rng.random_range(20..170));
        lead.meeting = Some(meeting);
        if ctx.chance(0.7) {
            let proposal = meeting + Duration::hours(ctx.rng.random_range(24..240));
            lead.proposal = Some(proposal);
            if ctx.chance(0.45) {
                lead.won = Some(proposal + Duration::hours(ctx.rng.random_range(48..600)));
                lead.status = "Converted";
            } else if ctx.chance(0.55) {
                lead.lost = Some(proposal + Duration::hours(ctx.rng.random_range(48..500)));
                lead.status = "Closed Lost";
                lead.lost_reason = Some(weighted(ctx, LOST_MARKET));
            }
        }
    }
    if lead.status == "Working" && ctx.chance(0.8) {
        lead.next_action =
            Some(lead.updated.max(qualified) + Duration::days(ctx.rng.random_range(1..10)));
    }
    settle(lead, as_of);
}

/// Drops what has not happened by `as_of`, so the export looks like one taken then.
fn settle(lead: &mut Lead, as_of: NaiveDateTime) {
    let future = |t: &mut Option<NaiveDateTime>| {
        if t.is_some_and(|t| t > as_of) {
            *t = None;
        }
    };
    future(&mut lead.qualified);
    future(&mut lead.meeting);
    future(&mut lead.proposal);
    if lead.won.is_some_and(|t| t > as_of) {
        lead.won = None;
        lead.status = "Working";
    }
    if lead.lost.is_some_and(|t| t > as_of) {
        lead.lost = None;
        lead.lost_reason = None;
        lead.status = "Working";
    }
    if lead.returned.is_some_and(|(t, _)| t > as_of) {
        lead.returned = None;
        lead.status = "Working";
    }
    let latest = [
        lead.first_contact,
        lead.qualified,
        lead.meeting,
        lead.proposal,
        lead.won,
        lead.lost,
    ]
    .into_iter()
    .flatten()
    .chain(lead.returned.map(|r| r.0))
    .max();
    lead.updated = latest.unwrap_or(lead.created).max(lead.created).min(as_of);
}

fn weighted(ctx: &mut Ctx, items: &'static [(&'static str, f64)]) -> &'static str {
    ctx.pick(items, |i| i.1).0
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn opt(t: Option<NaiveDateTime>) -> String {
    t.map(local).unwrap_or_default()
}

/// Indian phone styles seen in exports.
fn phone_style(ctx: &mut Ctx, digits: &str) -> String {
    match ctx.rng.random_range(0..5) {
        0 => format!("+91-{}-{}", &digits[..5], &digits[5..]),
        1 => format!("0{} {}", &digits[..5], &digits[5..]),
        2 => digits.to_string(),
        3 => format!("91 {} {}", &digits[..5], &digits[5..]),
        _ => format!("+91 {}", digits),
    }
}

fn rupees(v: f64) -> String {
    let n = v.round() as i64;
    let s = n.to_string();
    if s.len() <= 3 {
        return format!("₹{s}");
    }
    let (head, tail) = s.split_at(s.len() - 3);
    let mut groups = Vec::new();
    let mut h = head;
    while h.len() > 2 {
        groups.push(&h[h.len() - 2..]);
        h = &h[..h.len() - 2];
    }
    groups.push(h);
    groups.reverse();
    format!("₹{},{tail}", groups.join(","))
}

fn write_lead(ctx: &mut Ctx, w: &mut Writers, lead: &Lead, i: usize) -> csv::Result<()> {
    let phone = phone_style(ctx, &lead.phone_digits);
    // One row in ~300 carries an unreadable date, as hand-edited exports do.
    let created = if i % 311 == 157 {
        lead.created
            .format("%d/%m/%Y %H:%M")
            .to_string()
            .replace("/20", "/ 20")
    } else {
        local(lead.created)
    };
    let value = lead.value.map(rupees).unwrap_or_default();
    let value = if i % 503 == 77 && !value.is_empty() {
        "TBD".to_string()
    } else {
        value
    };
    let record = |status: &str, updated: NaiveDateTime, owner: &str| -> Vec<String> {
        vec![
            lead.id.clone(),
            created.clone(),
            lead.name.clone(),
            lead.email
                .clone()
                .map(|e| {
                    if i.is_multiple_of(3) {
                        e.to_uppercase()
                    } else {
                        e
                    }
                })
                .unwrap_or_default(),
            phone.clone(),
            lead.city.to_string(),
            lead.campaign.source.to_string(),
            lead.campaign.name.to_string(),
            lead.campaign.medium.to_string(),
            lead.service.to_string(),
            // Intent as typed: now and then in capitals (`HOT`, `HIGH`).
            match (lead.intent, i % 40) {
                ("Hot", 3) => "HOT".to_string(),
                ("Hot", 13) => "HIGH".to_string(),
                (intent, _) => intent.to_string(),
            },
            owner.to_string(),
            opt(lead.assigned),
            // The CRM's "first contacted" is filled in only some of the time; the call log has the rest.
            if i % 10 < 7 {
                opt(lead.first_contact)
            } else {
                String::new()
            },
            opt(lead.qualified),
            // Some site visits are only recorded as a deal.
            if i.is_multiple_of(4) {
                String::new()
            } else {
                opt(lead.meeting)
            },
            opt(lead.proposal),
            if i.is_multiple_of(5) {
                String::new()
            } else {
                opt(lead.won)
            },
            opt(lead.lost),
            status.to_string(),
            lead.lost_reason.unwrap_or_default().to_string(),
            opt(lead.returned.map(|r| r.0)),
            lead.returned.map(|r| r.1).unwrap_or_default().to_string(),
            value.clone(),
            opt(lead.next_action),
            local(updated),
        ]
    };
    let owner = lead.owner.map(|r| r.name).unwrap_or_default();
    // ~2% of leads appear twice: an older copy with a stale status, most
    // often after the current row (the export's order is no guide; only
    // `Last Modified` tells which is current).
    if ctx.chance(0.02) {
        let stale = record(
            "New",
            lead.created.max(lead.updated - Duration::hours(6)),
            owner,
        );
        let current = record(lead.status, lead.updated, owner);
        let (first, second) = if i.is_multiple_of(3) {
            (stale, current)
        } else {
            (current, stale)
        };
        w.leads.write_record(first)?;
        return w.leads.write_record(second);
    }
    let mut row = record(lead.status, lead.updated, owner);
    // ~3% of single rows have no `Last Modified`.
    if i % 33 == 7
        && let Some(updated) = row.last_mut()
    {
        updated.clear();
    }
    w.leads.write_record(row)
}

fn write_form(
    ctx: &mut Ctx,
    w: &mut Writers,
    lead: &Lead,
    as_of: NaiveDateTime,
) -> csv::Result<()> {
    let Some(form) = lead.campaign.form else {
        return Ok(());
    };
    let lag = if lead.campaign.source == "meta_ads" {
        0
    } else {
        ctx.rng.random_range(0..90)
    };
    let submitted = lead.created - Duration::seconds(lag);
    // The capture lag is the CRM's creation delay; reconstruct the submission time.
    let submitted = match lead.campaign.source {
        "meta_ads" | "whatsapp" | "google_ads" | "organic" => {
            let back = ctx.lognormal(2.0, 0.5);
            if lead.campaign.source == "meta_ads" && ctx.chance(0.2) {
                lead.created - Duration::minutes(ctx.rng.random_range(240..900))
            } else {
                submitted - Duration::seconds((back * 60.0) as i64)
            }
        }
        _ => submitted,
    };
    if submitted > as_of {
        return Ok(());
    }
    write_form_row(
        ctx,
        w,
        lead,
        form,
        submitted,
        &format!("F{}", &lead.id[2..]),
    )?;
    // Some people submit twice (a reminder, a second ad).
    if ctx.chance(0.3) {
        let again = submitted - Duration::days(ctx.rng.random_range(1..20));
        write_form_row(ctx, w, lead, form, again, &format!("F{}b", &lead.id[2..]))?;
    }
    Ok(())
}

fn write_form_row(
    ctx: &mut Ctx,
    w: &mut Writers,
    lead: &Lead,
    form: &str,
    at: NaiveDateTime,
    id: &str,
) -> csv::Result<()> {
    let utc = Kolkata
        .from_local_datetime(&at)
        .earliest()
        .map(|t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%dT%H:%M:%S+00:00")
                .to_string()
        })
        .unwrap_or_default();
    let phone = if lead.campaign.source == "meta_ads" {
        format!("p:+91{}", lead.phone_digits)
    } else {
        phone_style(ctx, &lead.phone_digits)
    };
    let email = lead.email.clone().map(|e| {
        if ctx.chance(0.3) {
            format!(" {} ", capitalise(&e))
        } else {
            e
        }
    });
    w.forms.write_record([
        utc.as_str(),
        id,
        lead.name.as_str(),
        email.as_deref().unwrap_or(""),
        phone.as_str(),
        lead.city,
        form,
        lead.campaign.channel,
        lead.campaign.source,
        lead.campaign.medium,
        lead.campaign.name,
        lead.service,
        if lead.campaign.source == "whatsapp" {
            ""
        } else {
            "https://example-interiors.in/quote"
        },
        if ctx.chance(0.3) {
            "Need quote for 2BHK, possession next month"
        } else {
            ""
        },
    ])
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn write_calls(
    ctx: &mut Ctx,
    w: &mut Writers,
    lead: &Lead,
    as_of: NaiveDateTime,
    seq: &mut u64,
) -> csv::Result<()> {
    let Some(rep) = lead.owner else {
        return Ok(());
    };
    let mut call = |ctx: &mut Ctx,
                    at: NaiveDateTime,
                    outbound: bool,
                    connected: bool,
                    medium: &str|
     -> csv::Result<()> {
        if at > as_of {
            return Ok(());
        }
        *seq += 1;
        let number = if ctx.chance(0.5) {
            format!("0{}", lead.phone_digits)
        } else {
            lead.phone_digits.clone()
        };
        let with_id = ctx.chance(0.6);
        let duration = if connected {
            ctx.rng.random_range(40..600)
        } else {
            0
        };
        let status = if connected {
            "Answered"
        } else if ctx.chance(0.8) {
            "No Answer"
        } else {
            "Busy"
        };
        w.calls.write_record([
            format!("C{:08}", *seq),
            at.format(CALL_TIME).to_string(),
            // One call log in 33 spells the direction as the CRM's own
            // (`Outbound`, `Inbound`), as merged dialler exports do.
            match (outbound, connected, (*seq).is_multiple_of(33)) {
                (true, _, false) => "Outgoing",
                (true, _, true) => "Outbound",
                (false, true, false) => "Incoming",
                (false, true, true) => "Inbound",
                (false, false, _) => "Missed",
            }
            .to_string(),
            number,
            if with_id {
                lead.id.clone()
            } else {
                String::new()
            },
            rep.name.to_string(),
            duration.to_string(),
            status.to_string(),
            medium.to_string(),
        ])
    };
    // A missed call from the prospect before the form: inbound, never a touch.
    if ctx.chance(0.05) {
        let at = lead.created - Duration::minutes(ctx.rng.random_range(10..300));
        call(ctx, at, false, false, "call")?;
    }
    let Some(first) = lead.first_contact else {
        // Untouched in the CRM, but a lazy rep may still have dialled once, late.
        if ctx.chance(0.3) {
            let delay = ctx.lognormal(600.0, 0.5);
            let late = ctx.add_open(lead.created, delay);
            call(ctx, late, true, false, "call")?;
        }
        return Ok(());
    };
    let reached = lead.qualified.is_some()
        || lead.status != "Closed Lost"
        || lead
            .lost_reason
            .is_some_and(|r| !LOST_UNREACHABLE.iter().any(|u| u.0 == r));
    let attempts = if reached {
        ctx.rng.random_range(1..=3)
    } else {
        ctx.rng.random_range(1..=rep.diligence.max(1) + 1)
    };
    let mut at = first;
    for k in 0..attempts {
        let connected = reached && k + 1 == attempts;
        let medium = if lead.campaign.source == "whatsapp" && ctx.chance(0.6) {
            "whatsapp"
        } else {
            "call"
        };
        call(ctx, at, true, connected, medium)?;
        let gap = ctx.lognormal(150.0, 0.7);
        at = ctx.add_open(at, gap);
    }
    // Follow-up calls later in the funnel.
    for t in [lead.qualified, lead.meeting, lead.proposal]
        .into_iter()
        .flatten()
    {
        if ctx.chance(0.7) {
            let at = t - Duration::minutes(ctx.rng.random_range(5..120));
            call(ctx, at, true, true, "call")?;
        }
    }
    if ctx.chance(0.25) {
        let at = first + Duration::hours(ctx.rng.random_range(2..48));
        call(ctx, at, false, true, "call")?;
    }
    // A reached lead becomes a WhatsApp conversation: photos, measurements, reminders.
    if reached {
        let mut at = first;
        for _ in 0..ctx.rng.random_range(0..=5) {
            at += Duration::minutes(ctx.rng.random_range(30..4000));
            call(ctx, at, true, true, "whatsapp")?;
            if ctx.chance(0.5) {
                let reply = at + Duration::minutes(ctx.rng.random_range(1..600));
                call(ctx, reply, false, true, "whatsapp")?;
            }
        }
    }
    Ok(())
}

fn write_deal(ctx: &mut Ctx, w: &mut Writers, lead: &Lead, i: usize) -> csv::Result<()> {
    let Some(meeting) = lead.meeting else {
        return Ok(());
    };
    let (stage, closed, reason) = match (lead.won, lead.lost, lead.proposal) {
        (Some(won), _, _) => ("Closed Won", Some(won), ""),
        (None, Some(lost), Some(_)) => ("Closed Lost", Some(lost), lead.lost_reason.unwrap_or("")),
        (None, None, Some(_)) => ("Proposal Sent", None, ""),
        _ => ("Site Visit Done", None, ""),
    };
    let amount = lead
        .value
        .map(|v| v * ctx.rng.random_range(0.85..1.1))
        .map(rupees)
        .unwrap_or_default();
    w.deals.write_record([
        format!("D-{:06}", 500_000 + i),
        lead.id.clone(),
        meeting.format(DEAL_TIME).to_string(),
        stage.to_string(),
        amount,
        closed
            .map(|t| t.format(DEAL_TIME).to_string())
            .unwrap_or_default(),
        lead.owner.map(|r| r.name).unwrap_or_default().to_string(),
        reason.to_string(),
    ])
}

/// Inquiries that never reached the CRM: lost form submissions and missed calls from new numbers.
fn write_orphans(ctx: &mut Ctx, w: &mut Writers, leads: usize, seq: &mut u64) -> csv::Result<()> {
    let n = (leads as f64 * 0.04).round() as usize;
    for k in 0..n {
        let campaign = ctx.pick(CAMPAIGNS, |c| if c.form.is_some() { c.weight } else { 0.0 });
        let day = ctx.start + Duration::days(ctx.rng.random_range(0..ctx.days));
        let at = day
            .and_hms_opt(ctx.rng.random_range(8..23), ctx.rng.random_range(0..60), 0)
            .expect("valid time");
        let first = FIRST[ctx.rng.random_range(0..FIRST.len())];
        let last = LAST[ctx.rng.random_range(0..LAST.len())];
        let lead = Lead {
            id: format!("X-{:07}", k),
            created: at,
            name: format!("{first} {last}"),
            email: ctx
                .chance(0.6)
                .then(|| format!("{}{}@gmail.com", first.to_lowercase(), 7000 + k)),
            phone_digits: format!("9{:09}", ctx.rng.random_range(0..1_000_000_000u64)),
            city: "Pune",
            campaign,
            service: SERVICES[ctx.rng.random_range(0..SERVICES.len())],
            intent: "Warm",
            owner: None,
            assigned: None,
            first_contact: None,
            qualified: None,
            meeting: None,
            proposal: None,
            won: None,
            lost: None,
            status: "New",
            lost_reason: None,
            returned: None,
            value: None,
            next_action: None,
            updated: at,
        };
        write_form_row(
            ctx,
            w,
            &lead,
            campaign.form.unwrap_or("form"),
            at,
            &format!("FX{k:06}"),
        )?;
    }
    for _ in 0..(leads / 30) {
        *seq += 1;
        let day = ctx.start + Duration::days(ctx.rng.random_range(0..ctx.days));
        let at = day
            .and_hms_opt(ctx.rng.random_range(8..22), ctx.rng.random_range(0..60), 0)
            .expect("valid time");
        w.calls.write_record([
            format!("C{:08}", *seq),
            at.format(CALL_TIME).to_string(),
            "Missed".to_string(),
            format!(
                "0{}{:09}",
                [9, 8, 7][ctx.rng.random_range(0..3)],
                ctx.rng.random_range(0..1_000_000_000u64)
            ),
            String::new(),
            String::new(),
            "0".to_string(),
            "No Answer".to_string(),
            "call".to_string(),
        ])?;
    }
    Ok(())
}

fn write_spend(ctx: &mut Ctx, dir: &Path) -> Result<()> {
    let path = dir.join("spend.csv");
    let mut w = create(dir, "spend.csv", false)?;
    let err = out_err(&path);
    w.write_record(["date", "source", "campaign", "spend"])
        .map_err(&err)?;
    for d in 0..ctx.days {
        let day = ctx.start + Duration::days(d);
        for c in CAMPAIGNS.iter().filter(|c| c.daily_spend > 0.0) {
            let spend = c.daily_spend * ctx.rng.random_range(0.7..1.3);
            w.write_record([
                day.format("%Y-%m-%d").to_string(),
                c.source.to_string(),
                c.name.to_string(),
                rupees(spend),
            ])
            .map_err(&err)?;
        }
    }
    w.flush().map_err(|source| HandoffError::Output {
        path: path.display().to_string(),
        source,
    })
}

fn sample_config(holidays: &[NaiveDate]) -> String {
    let days: Vec<String> = holidays.iter().map(|d| format!("\"{d}\"")).collect();
    format!(
        r#"# handoff.toml for the bundled sample: a home-interiors business in Pune.
# Every key is optional; see the README for all of them and their defaults.

[business]
name = "Kiran Interiors, Pune"
currency = "INR"
phone_country = "IN"

[calendar]
time_zone = "Asia/Kolkata"
holidays = [{holidays}]

[calendar.hours]
mon = "09:30-19:00"
tue = "09:30-19:00"
wed = "09:30-19:00"
thu = "09:30-19:00"
fri = "09:30-19:00"
sat = "10:00-17:00"
sun = "closed"

[sla]
capture_window = "30d"

[sla.high]
due = "5m"
escalate_after = "10m"
reassign_after = "20m"

[sla.medium]
due = "15m"

[sla.low]
due = "end_of_day"
escalate_after = "1h"
reassign_after = "4h"

[attempts]
window = "48h"
minimum = 5

[synonyms.status]
open = ["new", "working", "nurturing"]
won = ["converted", "closed won"]
lost = ["closed lost", "unqualified"]
returned = ["returned to marketing"]

[synonyms.intent]
high = ["hot"]
medium = ["warm"]
low = ["cold"]

[synonyms.deal_stage]
won = ["closed won"]
lost = ["closed lost"]
open = ["site visit done", "proposal sent", "negotiation"]

[[lost_reasons.categories]]
name = "unreachable"
class = "process"
unreachable = true
synonyms = ["not reachable", "rnr", "switched off", "no answer", "ringing no response", "wrong number"]

[[lost_reasons.categories]]
name = "unresponsive"
class = "process"
unreachable = true
synonyms = ["no response", "stopped responding"]

[[lost_reasons.categories]]
name = "no follow-up"
class = "process"
synonyms = ["no follow up", "forgot to follow up"]

[[lost_reasons.categories]]
name = "duplicate"
class = "process"
synonyms = ["duplicate lead", "already in crm"]

[[lost_reasons.categories]]
name = "no budget"
class = "market"
synonyms = ["budget issue", "too expensive", "costly", "loan not approved"]

[[lost_reasons.categories]]
name = "competitor chosen"
class = "market"
synonyms = ["went with competitor", "hired local carpenter", "local vendor cheaper"]

[[lost_reasons.categories]]
name = "not ready"
class = "market"
synonyms = ["not interested", "just checking price", "postponed"]

[[lost_reasons.categories]]
name = "wrong icp"
class = "market"
synonyms = ["out of area", "job seeker"]
"#,
        holidays = days.join(", ")
    )
}
