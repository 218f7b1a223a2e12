#!/usr/bin/env python3
"""A DuckDB SQL baseline of handoff's core figures: a peer workload for timing.

scripts/bench.sh runs it beside `handoff scorecard`, alternating, on the same
files, and prints both, the ratio, CPU seconds and peak memory. It is not a
second implementation that must agree with the tool to the rupee: it computes
comparable figures the way a competent analyst would in SQL, so that the time
and memory it takes are a fair yardstick for the tool's.

Run:
    scripts/bench-duckdb.py --data DIR [--week 2026-W46] [--out FIGURES.json] [--timings]
    scripts/bench-duckdb.py --compare FIGURES.json DIR/out/metrics.json
    scripts/bench-duckdb.py --venv-python     # make the venv if missing, print its python

DIR holds leads.csv, forms.csv, calls.csv, deals.csv, spend.csv and
handoff.toml as `handoff sample --out DIR` writes them. DuckDB comes from
PyPI, pinned (DUCKDB_VERSION below), into a venv at ${BENCH_VENV:-
/var/tmp/handoff-bench-venv}; the script creates it when missing and re-runs
itself there. `--timings` prints a stage table on stderr (wall, CPU seconds
of every thread, peak RSS so far), like the tool's. DuckDB runs with its
defaults (every core, 80% of memory).

What it computes (data contract v2; /work/shared/data-contract.md), as-of the
end of the week, as the tool does by default:
- reading: phones to E.164 keys (the contract's IN rules), emails trimmed
  and lower-cased, money with its grouping/decimal rules, timestamps parsed
  in each file's own form (leads `2026-08-28 19:30:00`; deals 12-hour
  `28/08/2026 07:30 PM`; calls `28-08-2026 19:30:00`; forms ISO with a UTC
  offset, `+00:00` or `+0000`, converted to local time; DuckDB drops the
  forms file's UTF-8 BOM); intent, status and deal stage matched
  case-insensitively through the config's synonyms (`HOT` and `HIGH` are
  high), call direction through fixed word lists (`Outbound`/`Inbound`
  beside `Outgoing`/`Incoming`/`Missed`); a lead row with an unreadable
  date or amount is rejected; duplicate lead_ids: the latest updated_at
  wins, a row with one beats a row without, else the last row in the file
  (the sample's stale copy often comes after the current one, and some rows
  have no updated_at).
- joins: forms by email when any lead has that email, else by phone; calls
  by lead_id when it names a lead, else by phone; among several leads the one
  created nearest wins, then the smallest lead_id. Deals only for known
  leads: meeting at the earliest deal, won from won deals (their close, their
  amounts). Forms, calls, deals and stage times after as-of have not happened. Orphans: forms and inbound calls that match no lead.
- captured_at = earlier of created_at and the earliest matched form in the
  30 days before it; first_touch_at = earlier of first_contact_at and the
  first outbound call at or after capture; attempts in the 48 h window.
- business time, exactly: a calendar table (opening hours per weekday,
  holidays from handoff.toml) with cumulative open seconds, so a business
  instant is one equality join and the business response is a difference.
  Due times: minute tiers by an ASOF join on the cumulative open time
  (N business minutes after capture; a due time that ends at closing is that
  closing), the day tier is the close of the business day holding the first
  opening at or after capture. SLA met / breached / not_due / unknown as v2
  says (a later stage bounds an untimed touch).
- the week's cohort (captured in the ISO week): volume, response medians
  (business and wall minutes, linear interpolation), SLA compliance, stages
  reached and consecutive conversions, lost-reason categories, process
  losses; leakage = process losses x worked win rate x average deal
  (trailing 90 days; worked win rate over leads captured in the 90 days
  before as-of minus 30 days that met their SLA).

On the sample its figures equal the tool's (checked at 20,000 and 100,000
leads, weeks 2026-W45 and W46: `--compare` prints them side by side). On
other exports they would part where it simplifies:
- The column mapping and date formats are fixed to the sample's exports
  (each file's own date form first, then a short list of common ones, one
  12-hour form among them; no preset detection, no per-column day-order
  detection, no encodings or delimiters other than UTF-8 comma CSV, BOM or
  not, no XLSX). Country code +91 only.
  Rows are rejected only for an unreadable required value, date or amount;
  there is no rejects file and no row accounting.
- Business time uses naive local time (right for Asia/Kolkata, which has no
  DST; a DST zone would be off by an hour across a change).
- Lost reasons: exact synonym, whole-word containment (longest wins), then a
  typo distance with DuckDB's damerau_levenshtein (true Damerau-Levenshtein,
  the contract says optimal string alignment: equal on these texts);
  unmatched text is one `unclassified` group, not clustered.
- Only the core figures: no attribution segments, trend, routing, campaigns,
  concentrations, action lists, ledger, HTML or CSV outputs. The tool also
  writes its ledger, action lists and page, so the timing comparison is
  tilted in DuckDB's favour by that output work; the baseline's wall time
  includes starting Python and importing DuckDB (about 0.1 s).
"""

import argparse
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import time

DUCKDB_VERSION = "2.0.1"
DEFAULT_VENV = "/var/tmp/handoff-bench-venv"

# The sample's headers, as DuckDB's normalize_names reads them -> canonical names.
LEAD_COLUMNS = {
    "lead_id": "lead_id",
    "created_at": "create_date",
    "email": "email",
    "phone": "mobile",
    "source": "lead_source",
    "campaign": "campaign",
    "intent": "priority",
    "owner": "lead_owner",
    "assigned_at": "assigned_date",
    "first_contact_at": "first_contacted_at",
    "qualified_at": "qualified_at",
    "meeting_at": "site_visit_at",
    "proposal_at": "quote_sent_at",
    "won_at": "won_at",
    "lost_at": "lost_at",
    "status": "lead_status",
    "lost_reason": "lost_reason",
    "returned_at": "returned_at",
    "deal_value": "deal_value",
    "updated_at": "last_modified",
}
LEAD_TIMES = [
    "assigned_at", "first_contact_at", "qualified_at", "meeting_at",
    "proposal_at", "won_at", "lost_at", "returned_at", "updated_at",
]
STAGES = ["captured", "assigned", "contacted", "qualified", "meeting", "proposal", "won"]
# Date-time forms: each file's own (the sample's), tried first; then the others.
LEADS_FORMAT = "%Y-%m-%d %H:%M:%S"
CALLS_FORMAT = "%d-%m-%Y %H:%M:%S"
DEALS_FORMAT = "%d/%m/%Y %I:%M %p"  # 12-hour: 28/08/2026 07:30 PM
FORMS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # UTC offset: DuckDB's %z reads +00:00 and +0000
LOCAL_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
    "%d/%m/%Y %I:%M %p",
]
# Call directions, matched lower-cased: the canonical words and the sample's
# synonyms (dialler exports write Outgoing/Incoming, merged ones Outbound/Inbound).
OUTBOUND_WORDS = ["outgoing", "outbound", "outgoing call"]
INBOUND_WORDS = ["incoming", "inbound", "incoming call", "missed"]
MISSING_REASON_WORDS = ["", "na", "n a", "none", "nil", "null", "nan"]

# Used when DIR has no handoff.toml: the sample's own configuration.
DEFAULT_CONFIG = {
    "calendar": {
        "time_zone": "Asia/Kolkata",
        "holidays": [],
        "hours": {d: "09:30-19:00" for d in ["mon", "tue", "wed", "thu", "fri"]}
        | {"sat": "10:00-17:00", "sun": "closed"},
    },
    "sla": {
        "capture_window": "30d",
        "high": {"due": "5m"},
        "medium": {"due": "15m"},
        "low": {"due": "end_of_day"},
    },
    "attempts": {"window": "48h", "minimum": 5},
    "leakage": {"settle": "30d"},
    "synonyms": {
        "status": {
            "open": ["new", "working", "nurturing"],
            "won": ["converted", "closed won"],
            "lost": ["closed lost", "unqualified"],
            "returned": ["returned to marketing"],
        },
        "intent": {"high": ["hot"], "medium": ["warm"], "low": ["cold"]},
        "deal_stage": {
            "won": ["closed won"],
            "lost": ["closed lost"],
            "open": ["site visit done", "proposal sent", "negotiation"],
        },
    },
    "lost_reasons": {"categories": []},
}


# --------------------------------------------------------------------------
# The venv: DuckDB from PyPI, pinned.

def venv_dir():
    return os.environ.get("BENCH_VENV") or DEFAULT_VENV


def ensure_venv():
    """Creates the venv with the pinned DuckDB when missing; returns its python."""
    venv = venv_dir()
    python = os.path.join(venv, "bin", "python")
    check = f"import duckdb, sys; sys.exit(duckdb.__version__ != {DUCKDB_VERSION!r})"
    if os.path.exists(python) and subprocess.run(
            [python, "-c", check], stderr=subprocess.DEVNULL).returncode == 0:
        return python
    print(f"installing duckdb=={DUCKDB_VERSION} into {venv}", file=sys.stderr)
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"duckdb=={DUCKDB_VERSION}"],
        check=True,
    )
    return python


def import_duckdb():
    """Imports the pinned DuckDB, re-running this script in the venv if needed."""
    try:
        import duckdb
        if duckdb.__version__ == DUCKDB_VERSION:
            return duckdb
    except ImportError:
        pass
    python = ensure_venv()
    if os.path.realpath(sys.prefix) == os.path.realpath(venv_dir()):
        sys.exit(f"duckdb {DUCKDB_VERSION} is not importable from {python}")
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


# --------------------------------------------------------------------------
# Stage timings, printed like the tool's --timings.

class Stages:
    def __init__(self, enabled):
        self.enabled = enabled
        self.start_wall = self.wall = time.perf_counter()
        self.start_cpu = self.cpu = time.process_time()
        self.rows = []

    @staticmethod
    def peak_mib():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def mark(self, name):
        wall, cpu = time.perf_counter(), time.process_time()
        self.rows.append((name, wall - self.wall, cpu - self.cpu, self.peak_mib()))
        self.wall, self.cpu = wall, cpu

    def print(self):
        if not self.enabled:
            return
        out = sys.stderr
        print(f"{'stage':<20} {'seconds':>8} {'cpu s':>8} {'peak MiB':>9}", file=out)
        for name, wall, cpu, peak in self.rows:
            print(f"{name:<20} {wall:8.2f} {cpu:8.2f} {peak:9.0f}", file=out)
        total_wall = time.perf_counter() - self.start_wall
        total_cpu = time.process_time() - self.start_cpu
        print(f"{'total':<20} {total_wall:8.2f} {total_cpu:8.2f} {self.peak_mib():9.0f}", file=out)


# --------------------------------------------------------------------------
# Configuration and the period.

def load_config(data_dir):
    path = os.path.join(data_dir, "handoff.toml")
    if not os.path.exists(path):
        return DEFAULT_CONFIG
    import tomllib
    with open(path, "rb") as f:
        given = tomllib.load(f)
    config = json.loads(json.dumps(DEFAULT_CONFIG))
    for section, value in given.items():
        if isinstance(value, dict) and isinstance(config.get(section), dict):
            config[section].update(value)
        else:
            config[section] = value
    return config


def seconds(text):
    """'5m', '48h', '30d' -> seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", text)
    if not m:
        raise SystemExit(f"not a duration: {text!r}")
    return int(float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)])


def week_bounds(label):
    """'2026-W46' -> (Monday, next Monday) as dates."""
    m = re.fullmatch(r"(\d{4})-W(\d{2})", label)
    if not m:
        raise SystemExit(f"not an ISO week: {label!r}")
    monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    return monday, monday + dt.timedelta(days=7)


def sql_list(words):
    return "[" + ", ".join("'" + w.replace("'", "''") + "'" for w in words) + "]"


def sql_in(words):
    """('a', 'b'): an IN list of text literals."""
    return "(" + sql_list(words)[1:-1] + ")"


def ts_literal(t):
    return f"TIMESTAMP '{t:%Y-%m-%d %H:%M:%S}'"


# --------------------------------------------------------------------------
# SQL: macros, inputs, joins, clocks, figures.

def create_macros(con):
    """Value normalisation, as the contract's 'Reading' rules say."""
    con.execute(f"""
        CREATE MACRO txt(s) AS nullif(trim(s), '');
        -- A local date-time: the file's own form first (a list of forms costs
        -- a failed parse per form tried), then the other common ones.
        CREATE MACRO local_ts(s, form) AS coalesce(
            try_strptime(trim(s), form), try_strptime(trim(s), {sql_list(LOCAL_FORMATS)}));
        CREATE MACRO email_key(s) AS nullif(lower(trim(s)), '');
        -- Phone to E.164 (IN): keep digits; a leading + keeps the number; 10
        -- digits -> +91; 11 starting 0 -> drop it; 12 starting 91 -> +; 00 -> +;
        -- else no phone. (The lambda binds the digits once: a macro argument
        -- used six times would be computed six times.)
        CREATE MACRO phone_key(s) AS list_transform(
            [regexp_replace(coalesce(s, ''), '[^0-9]+', '', 'g')],
            lambda d: CASE
                WHEN regexp_matches(coalesce(s, ''), '^[^0-9]*[+]') AND length(d) BETWEEN 8 AND 15
                    THEN '+' || d
                WHEN d[1:2] = '00' AND length(d) > 4 THEN '+' || d[3:]
                WHEN length(d) = 10 THEN '+91' || d
                WHEN length(d) = 11 AND d[1] = '0' THEN '+91' || d[2:]
                WHEN length(d) = 12 AND d[1:2] = '91' THEN '+' || d
            END)[1];
        -- Money: the last of ',' and '.' is the decimal separator when both
        -- occur; a single ',' followed by 1-2 digits is a decimal comma;
        -- otherwise commas group (8,40,000).
        CREATE MACRO money(s) AS try_cast(list_transform(
            [regexp_replace(s, '[^0-9,.-]+', '', 'g')],
            lambda t: CASE
                WHEN contains(t, ',') AND contains(t, '.') THEN
                    CASE WHEN strpos(reverse(t), ',') < strpos(reverse(t), '.')
                         THEN replace(replace(t, '.', ''), ',', '.')
                         ELSE replace(t, ',', '') END
                WHEN regexp_full_match(t, '[^,]*,[0-9]{{1,2}}') THEN replace(t, ',', '.')
                ELSE replace(t, ',', '') END)[1] AS DOUBLE);
        -- Lost reasons: lower-case; delete . and '; other runs of
        -- non-alphanumerics -> one space; trim.
        CREATE MACRO reason_norm(s) AS trim(regexp_replace(
            regexp_replace(lower(coalesce(s, '')), '[.'']', '', 'g'),
            '[^\\pL\\pN]+', ' ', 'g'));
    """)


def read_csv(path, normalize_names=True):
    """An export read as text (every value is parsed by the macros above)."""
    return (f"read_csv('{path}', header = true, all_varchar = true, "
            f"normalize_names = {str(normalize_names).lower()}, "
            f"delim = ',', quote = '\"', escape = '\"')")


def create_vocabularies(con, config):
    """Status, intent and deal-stage synonyms, and the lost-reason taxonomy."""
    syn = config["synonyms"]
    rows = []
    for kind in ["status", "intent", "deal_stage"]:
        for canonical, words in syn.get(kind, {}).items():
            for word in [canonical, *words]:
                rows.append((kind, word.strip().lower(), canonical))
    con.execute("CREATE TABLE vocab (kind VARCHAR, word VARCHAR, canonical VARCHAR)")
    con.executemany("INSERT INTO vocab VALUES (?, ?, ?)", rows)
    con.execute("""CREATE TABLE vocab1 AS
                   SELECT kind, word, min(canonical) AS canonical FROM vocab GROUP BY ALL""")
    taxonomy = []
    for order, cat in enumerate(config["lost_reasons"].get("categories", [])):
        for word in [cat["name"], *cat.get("synonyms", [])]:
            taxonomy.append((order, cat["name"], cat.get("class", "unclassified"),
                             bool(cat.get("unreachable", False)), word))
    con.execute("""CREATE TABLE taxonomy_raw (ord INTEGER, category VARCHAR, class VARCHAR,
                   unreachable BOOLEAN, synonym VARCHAR)""")
    if taxonomy:
        con.executemany("INSERT INTO taxonomy_raw VALUES (?, ?, ?, ?, ?)", taxonomy)
    con.execute("""CREATE TABLE taxonomy AS
                   SELECT ord, category, class, reason_norm(synonym) AS synonym
                   FROM taxonomy_raw""")


# Each loader parses a file once into a table (a filter over the parsed
# columns in the same query would parse them twice: DuckDB pushes it into the
# scan), then deletes the rows the contract rejects. The table keeps the
# file's order, so `rowid` identifies a row and orders duplicates.

def load_leads(con, path, as_of):
    """Parsed, rejected and de-duplicated lead rows that exist at as-of."""
    c = LEAD_COLUMNS
    times = ",\n".join(f"local_ts({c[t]}, '{LEADS_FORMAT}') AS {t}, "
                        f"txt({c[t]}) IS NOT NULL AS {t}_given" for t in LEAD_TIMES)
    unreadable = " OR ".join(f"({t}_given AND {t} IS NULL)" for t in LEAD_TIMES)
    con.execute(f"""
        CREATE TABLE lead_row AS
        SELECT txt({c['lead_id']}) AS lead_id,
               local_ts({c['created_at']}, '{LEADS_FORMAT}') AS created_at,
               email_key({c['email']}) AS email,
               phone_key({c['phone']}) AS phone,
               txt({c['source']}) AS source,
               txt({c['owner']}) AS owner,
               lower(txt({c['intent']})) AS intent_raw,
               lower(txt({c['status']})) AS status_raw,
               txt({c['lost_reason']}) AS lost_reason,
               money({c['deal_value']}) AS deal_value,
               txt({c['deal_value']}) IS NOT NULL AS deal_value_given,
               {times}
        FROM {read_csv(path)};

        DELETE FROM lead_row
        WHERE lead_id IS NULL OR created_at IS NULL
           OR (deal_value_given AND deal_value IS NULL) OR {unreadable};

        CREATE TABLE lead AS
        WITH latest AS (
            -- Duplicate lead_id: the latest updated_at, a row with one, else the last row.
            SELECT * FROM lead_row
            QUALIFY row_number() OVER (
                PARTITION BY lead_id ORDER BY updated_at DESC NULLS LAST, rowid DESC) = 1
        )
        SELECT l.lead_id, l.created_at, l.email, l.phone, l.source, l.owner,
               coalesce(i.canonical, 'medium') AS intent,
               s.canonical AS status_given,
               l.lost_reason, l.deal_value,
               -- Stage times after as-of have not happened (flags keep the status honest).
               {", ".join(f"CASE WHEN l.{t} <= {as_of} THEN l.{t} END AS {t}"
                          for t in LEAD_TIMES if t != "updated_at")},
               coalesce(l.won_at > {as_of}, false) AS won_later,
               coalesce(l.lost_at > {as_of}, false) AS lost_later,
               coalesce(l.returned_at > {as_of}, false) AS returned_later
        FROM latest l
        LEFT JOIN vocab1 i ON i.kind = 'intent' AND i.word = l.intent_raw
        LEFT JOIN vocab1 s ON s.kind = 'status' AND s.word = l.status_raw
        WHERE l.created_at <= {as_of};
        DROP TABLE lead_row;
    """)


def load_forms(con, path, tz, as_of):
    """Submissions with local times and join keys; `rowid` is the form's id."""
    con.execute(f"""
        CREATE TABLE form AS
        SELECT coalesce(try_strptime(trim(submitted_at), '{FORMS_FORMAT}') AT TIME ZONE '{tz}',
                        local_ts(submitted_at, '{LEADS_FORMAT}')) AS submitted_at,
               email_key(email) AS email,
               phone_key(phone_number) AS phone,
               txt(platform) AS channel
        FROM {read_csv(path)};
        DELETE FROM form WHERE submitted_at IS NULL OR submitted_at > {as_of};
    """)


def load_calls(con, path, as_of):
    """Call-log rows with local times, direction and join keys; `rowid` is the call's id."""
    con.execute(f"""
        CREATE TABLE call AS
        SELECT local_ts(start_time, '{CALLS_FORMAT}') AS started_at,
               CASE WHEN lower(trim(call_type)) IN {sql_in(OUTBOUND_WORDS)} THEN true
                    WHEN lower(trim(call_type)) IN {sql_in(INBOUND_WORDS)} THEN false
               END AS outbound,
               phone_key(customer_number) AS phone,
               txt(lead_id) AS lead_id,
               txt(medium) AS channel
        FROM {read_csv(path)};
        DELETE FROM call
        WHERE started_at IS NULL OR outbound IS NULL OR (phone IS NULL AND lead_id IS NULL)
           OR started_at > {as_of};
    """)


def load_deals(con, path, as_of):
    con.execute(f"""
        CREATE TABLE deal AS
        SELECT d.* FROM (
            SELECT txt(lead_id) AS lead_id,
                   local_ts(created_date, '{DEALS_FORMAT}') AS created_at,
                   v.canonical AS stage,
                   money(amount) AS amount,
                   local_ts(close_date, '{DEALS_FORMAT}') AS closed_at
            FROM {read_csv(path)}
            LEFT JOIN vocab1 v ON v.kind = 'deal_stage' AND v.word = lower(trim(stage))) d
        WHERE d.lead_id IN (SELECT lead_id FROM lead)
          AND (d.created_at IS NULL OR d.created_at <= {as_of})
    """)


def load_spend(con, path, first_day, next_monday):
    con.execute(f"""
        CREATE TABLE spend AS
        SELECT try_cast(r.date AS DATE) AS day, txt(r.source) AS spend_source,
               txt(r.campaign) AS spend_campaign, money(r.spend) AS amount
        FROM {read_csv(path, normalize_names=False)} r
        WHERE try_cast(r.date AS DATE) >= DATE '{first_day}'
          AND try_cast(r.date AS DATE) < DATE '{next_monday}'
    """)


def nearest_lead_sql(rows, at, key, extra_where=""):
    """Rows matched on `key`; the lead created nearest to `at` wins, then the smallest lead_id."""
    return f"""
        SELECT r.rowid AS line,
               arg_min(l.lead_id, (abs(epoch(l.created_at) - epoch(r.{at})), l.lead_id)) AS lead
        FROM {rows} r JOIN lead l ON l.{key} = r.{key}
        WHERE r.{key} IS NOT NULL {extra_where}
        GROUP BY r.rowid
    """


def join_inputs(con, capture_window_s):
    """Forms and calls to leads; capture time; orphans."""
    con.execute(f"""
        CREATE TABLE form_match AS
        {nearest_lead_sql("form", "submitted_at", "email")}
        UNION ALL
        {nearest_lead_sql("form", "submitted_at", "phone",
                          "AND NOT EXISTS (SELECT 1 FROM lead k WHERE k.email = r.email)")};

        CREATE TABLE lead_capture AS
        SELECT l.*, least(l.created_at, fc.form_capture) AS captured_at
        FROM lead l LEFT JOIN (
            SELECT m.lead, min(f.submitted_at) AS form_capture
            FROM form_match m
            JOIN form f ON f.rowid = m.line
            JOIN lead k ON k.lead_id = m.lead
            WHERE f.submitted_at BETWEEN k.created_at - INTERVAL {capture_window_s} SECOND
                                     AND k.created_at
            GROUP BY m.lead) fc ON fc.lead = l.lead_id;

        CREATE TABLE call_match AS
        SELECT c.rowid AS line, c.lead_id AS lead FROM call c
        WHERE c.lead_id IN (SELECT lead_id FROM lead)
        UNION ALL
        {nearest_lead_sql("call", "started_at", "phone",
                          "AND NOT EXISTS (SELECT 1 FROM lead k WHERE k.lead_id = r.lead_id)")};

        CREATE TABLE orphan AS
        SELECT 'form' AS kind, f.submitted_at AS occurred_at, f.channel FROM form f
        WHERE f.rowid NOT IN (SELECT line FROM form_match)
        UNION ALL
        SELECT 'inbound_call', c.started_at, c.channel FROM call c
        WHERE NOT c.outbound AND c.rowid NOT IN (SELECT line FROM call_match);

        -- Memory: what the clocks no longer need.
        DROP TABLE form_match; DROP TABLE form; DROP TABLE lead;
    """)


def create_calendar(con, config, as_of):
    """One row per local day, from the earliest capture to 60 days after as-of:
    opening and closing instants (both midnight on a closed day), open seconds,
    and the open seconds of every earlier day (cumulative)."""
    cal = config["calendar"]
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    hours = []
    for isodow, name in enumerate(names, start=1):
        text = str(cal["hours"].get(name, "closed")).strip().lower()
        if text != "closed":
            opening, closing = (part.strip() for part in text.split("-"))
            hours.append(f"({isodow}, TIME '{opening}', TIME '{closing}')")
    holidays = ", ".join(f"DATE '{dt.date.fromisoformat(str(h))}'"
                         for h in cal.get("holidays", [])) or "NULL"
    con.execute(f"""
        CREATE TABLE cal AS
        WITH days AS (
            SELECT unnest(generate_series(
                       (SELECT min(captured_at)::DATE - 1 FROM lead_capture),
                       DATE '{as_of.date() + dt.timedelta(days=60)}',
                       INTERVAL 1 DAY))::DATE AS day
        ), opening_hours(isodow, opens, closes) AS (
            VALUES {", ".join(hours) or "(0, TIME '00:00', TIME '00:00')"}
        ), timed AS (
            SELECT d.day,
                   CASE WHEN d.day IN ({holidays}) OR h.isodow IS NULL THEN d.day::TIMESTAMP
                        ELSE d.day + h.opens END AS open_ts,
                   CASE WHEN d.day IN ({holidays}) OR h.isodow IS NULL THEN d.day::TIMESTAMP
                        ELSE d.day + h.closes END AS close_ts
            FROM days d LEFT JOIN opening_hours h ON h.isodow = isodow(d.day)
        ), sized AS (
            SELECT *, greatest(date_diff('second', open_ts, close_ts), 0) AS len FROM timed
        )
        SELECT *,
               coalesce(sum(len) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING
                                                         AND 1 PRECEDING), 0)::BIGINT
                   AS cum_before,
               (cum_before + len)::BIGINT AS cum_end
        FROM sized ORDER BY day;
        CREATE TABLE open_day AS SELECT * FROM cal WHERE len > 0;
    """)


def business_at(alias, column):
    """Business seconds before instant `column`, with `alias` the cal row of its day."""
    since_opening = f"date_diff('second', {alias}.open_ts, {column})"
    return f"{alias}.cum_before + least(greatest({since_opening}, 0), {alias}.len)"


def create_ledger(con, config, as_of):
    """Every lead with its touches, stages, status, business clock, due time and SLA status."""
    attempts_window = seconds(config["attempts"]["window"])
    tiers = {}
    for intent in ["high", "medium", "low"]:
        due = str(config["sla"].get(intent, {}).get("due", "15m")).strip().lower()
        tiers[intent] = None if due == "end_of_day" else seconds(due)
    minute_target = " ".join(f"WHEN intent = '{i}' THEN b_captured + {s}"
                             for i, s in tiers.items() if s is not None)
    eod = ", ".join(f"'{i}'" for i, s in tiers.items() if s is None) or "NULL"
    con.execute(f"""
        CREATE TABLE call_fact AS
        SELECT m.lead,
               min(c.started_at) FILTER (WHERE c.outbound AND c.started_at >= l.captured_at)
                   AS first_call_touch,
               count(*) FILTER (WHERE c.outbound AND c.started_at BETWEEN l.captured_at
                       AND l.captured_at + INTERVAL {attempts_window} SECOND) AS attempts
        FROM call_match m JOIN call c ON c.rowid = m.line JOIN lead_capture l ON l.lead_id = m.lead
        GROUP BY m.lead;

        CREATE TABLE deal_fact AS
        SELECT lead_id AS lead,
               min(created_at) AS first_deal_at,
               min(coalesce(closed_at, created_at))
                   FILTER (WHERE stage = 'won' AND coalesce(closed_at, created_at) <= {as_of})
                   AS won_close,
               sum(amount)
                   FILTER (WHERE stage = 'won' AND coalesce(closed_at, created_at) <= {as_of})
                   AS won_amount
        FROM deal GROUP BY lead_id;

        CREATE TABLE ledger AS
        WITH joined AS (
            SELECT l.lead_id, l.created_at, l.captured_at, l.intent, l.owner, l.source,
                   l.status_given, l.lost_reason, l.assigned_at, l.qualified_at,
                   l.proposal_at, l.lost_at, l.returned_at,
                   l.won_later, l.lost_later, l.returned_later,
                   least(l.first_contact_at, cf.first_call_touch) AS first_touch_at,
                   coalesce(cf.attempts, 0) AS attempts,
                   least(l.meeting_at, df.first_deal_at) AS meeting_at,
                   coalesce(df.won_close, l.won_at) AS won_at,
                   CASE WHEN df.won_close IS NOT NULL THEN coalesce(df.won_amount, l.deal_value)
                        ELSE l.deal_value END AS deal_value
            FROM lead_capture l
            LEFT JOIN call_fact cf ON cf.lead = l.lead_id
            LEFT JOIN deal_fact df ON df.lead = l.lead_id
        ), statused AS (
            SELECT *, coalesce(status_given, CASE
                    WHEN won_at IS NOT NULL THEN 'won'
                    WHEN lost_at IS NOT NULL OR lost_later THEN 'lost'
                    WHEN returned_at IS NOT NULL OR returned_later THEN 'returned'
                    ELSE 'open' END) AS status
            FROM joined
        ), flagged AS (
            SELECT *,
                   won_at IS NOT NULL OR (status = 'won' AND NOT won_later) AS is_won
            FROM statused
        ), staged AS (
            SELECT *,
                   NOT is_won AND status = 'lost' AND NOT lost_later AS is_lost,
                   is_won OR won_at IS NOT NULL AS reached_won,
                   is_won OR coalesce(won_at, proposal_at) IS NOT NULL AS reached_proposal,
                   is_won OR coalesce(won_at, proposal_at, meeting_at) IS NOT NULL
                       AS reached_meeting,
                   is_won OR coalesce(won_at, proposal_at, meeting_at, qualified_at) IS NOT NULL
                       AS reached_qualified,
                   is_won OR coalesce(won_at, proposal_at, meeting_at, qualified_at,
                                      first_touch_at) IS NOT NULL AS reached_contacted,
                   is_won OR coalesce(won_at, proposal_at, meeting_at, qualified_at,
                                      first_touch_at, assigned_at) IS NOT NULL AS reached_assigned,
                   CASE WHEN first_touch_at IS NULL
                        THEN least(qualified_at, meeting_at, proposal_at, won_at) END
                       AS touch_bound_at
            FROM flagged
        ), clocked AS (
            SELECT s.*,
                   {business_at("bc", "s.captured_at")} AS b_captured,
                   {business_at("bt", "greatest(s.first_touch_at, s.captured_at)")} AS b_touch
            FROM staged s
            JOIN cal bc ON bc.day = s.captured_at::DATE
            LEFT JOIN cal bt ON bt.day = greatest(s.first_touch_at, s.captured_at)::DATE
        ), targeted AS (
            SELECT *,
                   coalesce(intent IN ({eod}), false) AS eod,
                   CASE {minute_target} ELSE b_captured + 1 END AS due_target
            FROM clocked
        ), due AS (
            -- The first open day whose cumulative open time reaches the target.
            SELECT t.*,
                   CASE WHEN t.eod THEN o.close_ts
                        ELSE o.open_ts + to_seconds(t.due_target - o.cum_before) END AS due_at
            FROM targeted t ASOF JOIN open_day o ON t.due_target <= o.cum_end
        )
        SELECT *,
               CASE WHEN first_touch_at IS NOT NULL AND first_touch_at <= due_at THEN 'met'
                    WHEN first_touch_at IS NOT NULL THEN 'breached'
                    WHEN reached_contacted AND touch_bound_at <= due_at THEN 'met'
                    WHEN reached_contacted THEN 'unknown'
                    WHEN {as_of} > due_at THEN 'breached'
                    ELSE 'not_due' END AS sla_status,
               CASE WHEN first_touch_at IS NOT NULL
                    THEN greatest(date_diff('second', captured_at, first_touch_at), 0) / 60.0
               END AS response_min,
               CASE WHEN first_touch_at IS NOT NULL THEN (b_touch - b_captured) / 60.0 END
                   AS business_response_min
        FROM due;

        DROP TABLE call_fact; DROP TABLE call_match; DROP TABLE call;
        DROP TABLE deal_fact; DROP TABLE deal; DROP TABLE lead_capture;
    """)


def classify_lost_reasons(con):
    """Each distinct lost reason of a lost lead -> category and class."""
    con.execute(f"""
        CREATE TABLE reason_class AS
        WITH reasons AS (
            SELECT DISTINCT lost_reason AS raw, reason_norm(lost_reason) AS norm
            FROM ledger WHERE is_lost
        ), exact AS (
            SELECT r.raw, arg_min(t.category, t.ord) AS category
            FROM reasons r JOIN taxonomy t ON t.synonym = r.norm GROUP BY r.raw
        ), contained AS (
            SELECT r.raw, arg_min(t.category, (-length(t.synonym), t.ord)) AS category
            FROM reasons r JOIN taxonomy t
              ON (' ' || r.norm || ' ') LIKE ('% ' || t.synonym || ' %')
            GROUP BY r.raw
        ), typo AS (
            SELECT r.raw, arg_min(t.category, (damerau_levenshtein(r.norm, t.synonym), t.ord))
                       AS category
            FROM reasons r JOIN taxonomy t
              ON (length(r.norm) BETWEEN 4 AND 7 AND damerau_levenshtein(r.norm, t.synonym) <= 1)
              OR (length(r.norm) >= 8 AND damerau_levenshtein(r.norm, t.synonym) <= 2)
            GROUP BY r.raw
        )
        SELECT r.raw,
               CASE WHEN r.raw IS NULL OR r.norm IN {sql_in(MISSING_REASON_WORDS)}
                    THEN 'missing reason'
                    ELSE coalesce(e.category, c.category, y.category, 'unclassified') END
                   AS category
        FROM reasons r
        LEFT JOIN exact e ON e.raw IS NOT DISTINCT FROM r.raw
        LEFT JOIN contained c ON c.raw IS NOT DISTINCT FROM r.raw
        LEFT JOIN typo y ON y.raw IS NOT DISTINCT FROM r.raw;

        CREATE TABLE category_class AS
        SELECT DISTINCT category, class FROM taxonomy_raw
        UNION ALL SELECT 'missing reason', 'process'
        UNION ALL SELECT 'unclassified', 'unclassified';
    """)


def figures(con, config, as_of, first_day, next_monday):
    """The headline figures of the week, as a dict in a fixed order."""
    settle = seconds(config["leakage"].get("settle", "30d"))
    at = ts_literal(as_of)
    start, end = ts_literal(dt.datetime.combine(first_day, dt.time())), \
        ts_literal(dt.datetime.combine(next_monday, dt.time()))
    con.execute(f"""
        CREATE TABLE cohort AS
        SELECT l.*, rc.category, cc.class
        FROM ledger l
        LEFT JOIN reason_class rc ON l.is_lost AND rc.raw IS NOT DISTINCT FROM l.lost_reason
        LEFT JOIN category_class cc ON cc.category = rc.category
        WHERE l.captured_at >= {start} AND l.captured_at < {end}
    """)
    one = lambda sql: con.execute(sql).fetchone()  # noqa: E731

    out = {"duckdb_version": DUCKDB_VERSION, "as_of": f"{as_of}",
           "week": [f"{first_day}", f"{next_monday - dt.timedelta(days=1)}"]}
    out["leads_unique"] = one("SELECT count(*) FROM ledger")[0]
    out["leads_in_week"], out["assigned"] = one(
        "SELECT count(*), count(*) FILTER (WHERE assigned_at IS NOT NULL) FROM cohort")

    met, breached, not_due, unknown = one("""
        SELECT count(*) FILTER (WHERE sla_status = 'met'),
               count(*) FILTER (WHERE sla_status = 'breached'),
               count(*) FILTER (WHERE sla_status = 'not_due'),
               count(*) FILTER (WHERE sla_status = 'unknown') FROM cohort""")
    out["sla"] = {"met": met, "breached": breached, "not_due": not_due, "unknown": unknown,
                  "compliance": met / (met + breached) if met + breached else None}
    out["sla"]["never_touched"], out["sla"]["waiting"] = one("""
        SELECT count(*) FILTER (WHERE NOT reached_contacted AND sla_status = 'breached'),
               count(*) FILTER (WHERE NOT reached_contacted AND sla_status = 'not_due')
        FROM cohort""")

    n, b_med, b_p90, w_med, w_p90 = one("""
        SELECT count(*), quantile_cont(business_response_min, 0.5),
               quantile_cont(business_response_min, 0.9),
               quantile_cont(response_min, 0.5), quantile_cont(response_min, 0.9)
        FROM cohort WHERE first_touch_at IS NOT NULL""")
    out["response"] = {"touched": n, "business_median_min": b_med, "business_p90_min": b_p90,
                       "wall_median_min": w_med, "wall_p90_min": w_p90}

    reached = one("SELECT " + ", ".join(
        "count(*)" if s == "captured" else f"count(*) FILTER (WHERE reached_{s})"
        for s in STAGES) + " FROM cohort")
    counts = dict(zip(STAGES, reached))
    pairs = [*zip(STAGES, STAGES[1:]), ("captured", "won")]
    out["stages"] = {"reached": counts,
                     "conversions": {f"{a}->{b}": counts[b] / counts[a] if counts[a] else None
                                     for a, b in pairs}}

    out["lost_reasons"] = {
        "lost": one("SELECT count(*) FROM cohort WHERE is_lost")[0],
        "categories": {cat: k for cat, k in con.execute("""
            SELECT category, count(*) AS k FROM cohort WHERE is_lost
            GROUP BY category ORDER BY k DESC, category""").fetchall()},
    }

    avg_deal, avg_n = one(f"""
        SELECT avg(deal_value), count(deal_value) FROM ledger
        WHERE won_at > {at} - INTERVAL 90 DAY AND won_at <= {at}""")
    k, n = one(f"""
        SELECT count(*) FILTER (WHERE reached_won), count(*) FROM ledger
        WHERE sla_status = 'met'
          AND captured_at >= {at} - INTERVAL {settle} SECOND - INTERVAL 90 DAY
          AND captured_at < {at} - INTERVAL {settle} SECOND""")
    losses, lost_process, untouched_past_due, lost = one("""
        SELECT count(*) FILTER (WHERE (is_lost AND class = 'process')
                                   OR (NOT reached_contacted AND sla_status = 'breached')),
               count(*) FILTER (WHERE is_lost AND class = 'process'),
               count(*) FILTER (WHERE NOT reached_contacted AND sla_status = 'breached'),
               count(*) FILTER (WHERE is_lost)
        FROM cohort""")
    rate = k / n if n else None
    priced = avg_deal is not None
    out["leakage"] = {
        "average_deal": avg_deal, "average_deal_n": avg_n,
        "worked_win_rate": {"k": k, "n": n, "rate": rate},
        "process_losses": losses, "lost_process": lost_process,
        "untouched_past_due": untouched_past_due,
        "expected_leakage": losses * rate * avg_deal if priced and rate is not None else None,
        "full_value_leakage": losses * avg_deal if priced else None,
        "total_lost_value": lost * avg_deal if priced else None,
    }

    forms_all, calls_all, forms_week, calls_week = one(f"""
        SELECT count(*) FILTER (WHERE kind = 'form'),
               count(*) FILTER (WHERE kind = 'inbound_call'),
               count(*) FILTER (WHERE kind = 'form' AND in_week),
               count(*) FILTER (WHERE kind = 'inbound_call' AND in_week)
        FROM (SELECT *, occurred_at >= {start} AND occurred_at < {end} AS in_week FROM orphan)""")
    out["orphans"] = {"forms": forms_all, "inbound_calls": calls_all,
                      "week_forms": forms_week, "week_inbound_calls": calls_week}
    out["spend_in_week"] = one("SELECT sum(amount) FROM spend")[0]
    return out


def rounded(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


def run(args):
    stages = Stages(args.timings)
    duckdb = import_duckdb()
    stages.mark("import duckdb")
    config = load_config(args.data)
    first_day, next_monday = week_bounds(args.week)
    as_of = dt.datetime.combine(next_monday, dt.time())
    as_of_sql = ts_literal(as_of)
    tz = config["calendar"].get("time_zone", "UTC")

    con = duckdb.connect()
    create_macros(con)
    create_vocabularies(con, config)
    path = lambda name: os.path.join(args.data, f"{name}.csv").replace("'", "''")  # noqa: E731
    load_leads(con, path("leads"), as_of_sql)
    stages.mark("  load leads")
    load_deals(con, path("deals"), as_of_sql)
    stages.mark("  load deals")
    load_forms(con, path("forms"), tz, as_of_sql)
    stages.mark("  load forms")
    load_calls(con, path("calls"), as_of_sql)
    stages.mark("  load calls")
    load_spend(con, path("spend"), first_day, next_monday)
    stages.mark("  load spend")
    join_inputs(con, seconds(config["sla"].get("capture_window", "30d")))
    stages.mark("join")
    create_calendar(con, config, as_of)
    create_ledger(con, config, as_of_sql)
    classify_lost_reasons(con)
    stages.mark("clocks")
    result = figures(con, config, as_of, first_day, next_monday)
    stages.mark("figures")
    # Rounded: a parallel sum may differ in its last bits from run to run.
    text = json.dumps(rounded(result), indent=2) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    stages.print()


# --------------------------------------------------------------------------
# Side by side with the tool's metrics.json.

def compare(baseline_path, metrics_path):
    with open(baseline_path) as f:
        ours = json.load(f)
    with open(metrics_path) as f:
        m = json.load(f)
    orphans_csv = os.path.join(os.path.dirname(metrics_path), "orphans.csv")
    tool_orphans = None
    if os.path.exists(orphans_csv):
        with open(orphans_csv) as f:
            tool_orphans = sum(1 for _ in f) - 1
    week_orphans = m["data_quality"]["orphans_by_channel"]
    sla, resp, leak = m["sla"], m["response"], m["leakage"]
    week = m["stages"]["windows"][0]["overall"]
    reached = dict(week["reached"])
    rows = [
        ("leads in the week", ours["leads_in_week"], m["volume"]["captured"], "n"),
        ("assigned", ours["assigned"], m["volume"]["assigned"], "n"),
        ("SLA met", ours["sla"]["met"], sla["overall"]["met"], "n"),
        ("SLA breached", ours["sla"]["breached"], sla["overall"]["breached"], "n"),
        ("SLA not yet due (waiting)", ours["sla"]["not_due"], sla["overall"]["not_due"], "n"),
        ("SLA compliance", ours["sla"]["compliance"], sla["overall"]["compliance"]["rate"], "%"),
        ("untouched past due", ours["sla"]["never_touched"], sla["never_touched"], "n"),
        ("touched (with a time)", ours["response"]["touched"], resp["business"]["n"], "n"),
        ("median response, business min", ours["response"]["business_median_min"],
         resp["business"]["median"], "min"),
        ("p90 response, business min", ours["response"]["business_p90_min"],
         resp["business"]["p90"], "min"),
        ("median response, wall min", ours["response"]["wall_median_min"],
         resp["wall"]["median"], "min"),
        *[(f"reached {s}", ours["stages"]["reached"][s], reached.get(s), "n") for s in STAGES[1:]],
        ("lost in the week", ours["lost_reasons"]["lost"], m["lost_reasons"]["lost"], "n"),
        ("lost without reason", ours["lost_reasons"]["categories"].get("missing reason", 0),
         m["lost_reasons"]["without_reason"], "n"),
        ("lost, unclassified reason", ours["lost_reasons"]["categories"].get("unclassified", 0),
         next((c["leads"] for c in m["lost_reasons"]["categories"]
               if c["category"] == "unclassified"), 0), "n"),
        ("process losses", ours["leakage"]["process_losses"],
         leak["overall"]["process_losses"], "n"),
        ("average deal (INR)", ours["leakage"]["average_deal"], leak["average_deal"], "money"),
        ("worked win rate", ours["leakage"]["worked_win_rate"]["rate"],
         (leak["worked_win_rate"] or {}).get("rate", {}).get("rate"), "%"),
        ("expected leakage (INR)", ours["leakage"]["expected_leakage"],
         leak["overall"]["expected_leakage"], "money"),
        ("orphan forms, week", ours["orphans"]["week_forms"],
         sum(r["forms"] for r in week_orphans), "n"),
        ("orphan inbound calls, week", ours["orphans"]["week_inbound_calls"],
         sum(r["inbound_calls"] for r in week_orphans), "n"),
        ("orphans, all weeks (orphans.csv)",
         ours["orphans"]["forms"] + ours["orphans"]["inbound_calls"], tool_orphans, "n"),
    ]

    def fmt(v, kind):
        if v is None:
            return "-"
        if kind == "%":
            return f"{100 * v:.2f}%"
        if kind == "min":
            return f"{v:.2f}"
        if kind == "money":
            return f"{v:,.0f}"
        return f"{v:,}"

    print(f"  {'figure':<34} {'duckdb':>14} {'handoff':>14} {'diff':>10}")
    for name, a, b, kind in rows:
        if a is None or b is None:
            diff = "-"
        elif abs(a - b) <= 1e-6 + 1e-9 * abs(b):  # the figures file holds 6 decimals
            diff = "same"
        elif kind == "%":
            diff = f"{100 * (a - b):+.2f} pt"
        elif b:
            diff = f"{100 * (a - b) / b:+.1f}%"
        else:
            diff = "-"
        print(f"  {name:<34} {fmt(a, kind):>14} {fmt(b, kind):>14} {diff:>10}")


def main():
    parser = argparse.ArgumentParser(
        description="DuckDB SQL baseline of handoff's core figures (a peer workload for timing).")
    parser.add_argument("--data", help="folder with the sample's CSV files and handoff.toml")
    parser.add_argument("--week", default="2026-W46", help="ISO week (default 2026-W46)")
    parser.add_argument("--out", help="write the figures here as JSON (default: stdout)")
    parser.add_argument("--timings", action="store_true", help="stage table on stderr")
    parser.add_argument("--compare", nargs=2, metavar=("FIGURES_JSON", "METRICS_JSON"),
                        help="print the baseline's figures beside the tool's metrics.json")
    parser.add_argument("--venv-python", action="store_true",
                        help="create the venv with the pinned DuckDB if missing; print its python")
    args = parser.parse_args()
    if args.venv_python:
        print(ensure_venv())
    elif args.compare:
        compare(*args.compare)
    elif args.data:
        run(args)
    else:
        parser.error("give --data, --compare or --venv-python")


if __name__ == "__main__":
    main()
