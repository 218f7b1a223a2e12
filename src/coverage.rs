//! What the inputs can measure. Every figure stands on a [`Basis`]: the
//! canonical columns (or files) it needs. A basis none of the inputs holds,
//! or holds only as empty cells, is *not measured*: its figures are null with
//! the reason and the fix, never 0% or "never touched" (data contract,
//! "Measurability").

use polars::prelude::*;
use serde::Serialize;

use crate::load::FileStats;
use crate::model::{self, Input};

/// What a figure stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// When a lead was first touched: response times, SLA, untouched leads.
    FirstTouch,
    /// Outbound attempts from the call log: attempts and under-worked leads.
    Attempts,
    /// When a lead was assigned: routing lag and rep response.
    Assignment,
    Qualified,
    Meeting,
    Proposal,
    Won,
    LostReasons,
    /// Deal values behind the average deal (unless config fixes it).
    DealValues,
    Spend,
}

/// A pseudo-column: the file's outbound rows (calls).
pub const OUTBOUND_ROWS: &str = "outbound rows";
/// A pseudo-column: the file's rows (deals).
pub const ROWS: &str = "rows";
/// Pseudo-columns of the stage history: its rows entering each stage.
pub const ENTERS_CONTACTED: &str = "rows entering contacted";
pub const ENTERS_QUALIFIED: &str = "rows entering qualified";
pub const ENTERS_MEETING: &str = "rows entering meeting";
pub const ENTERS_PROPOSAL: &str = "rows entering proposal";
pub const ENTERS_WON: &str = "rows entering won";
/// The prefix of the history's pseudo-columns.
const ENTERING: &str = "rows entering ";

impl Basis {
    pub const ALL: [Basis; 10] = [
        Basis::FirstTouch,
        Basis::Attempts,
        Basis::Assignment,
        Basis::Qualified,
        Basis::Meeting,
        Basis::Proposal,
        Basis::Won,
        Basis::LostReasons,
        Basis::DealValues,
        Basis::Spend,
    ];

    /// The inputs' columns any of which measures it.
    pub fn sources(self) -> &'static [(Input, &'static str)] {
        use Input::*;
        match self {
            Basis::FirstTouch => &[
                (Leads, model::FIRST_CONTACT_AT),
                (Calls, OUTBOUND_ROWS),
                (History, ENTERS_CONTACTED),
            ],
            Basis::Attempts => &[(Calls, OUTBOUND_ROWS)],
            Basis::Assignment => &[(Leads, model::ASSIGNED_AT)],
            Basis::Qualified => &[(Leads, model::QUALIFIED_AT), (History, ENTERS_QUALIFIED)],
            Basis::Meeting => &[
                (Leads, model::MEETING_AT),
                (Deals, ROWS),
                (History, ENTERS_MEETING),
            ],
            Basis::Proposal => &[(Leads, model::PROPOSAL_AT), (History, ENTERS_PROPOSAL)],
            Basis::Won => &[
                (Leads, model::WON_AT),
                (Leads, model::STATUS),
                (Deals, ROWS),
                (History, ENTERS_WON),
            ],
            Basis::LostReasons => &[(Leads, model::LOST_REASON), (Deals, model::LOST_REASON)],
            Basis::DealValues => &[(Leads, model::DEAL_VALUE), (Deals, model::AMOUNT)],
            Basis::Spend => &[(Spend, model::SPEND)],
        }
    }

    /// The figures it carries, in a reader's words.
    pub fn figures(self) -> &'static str {
        match self {
            Basis::FirstTouch => "response times, SLA compliance and untouched leads",
            Basis::Attempts => "call attempts and under-worked leads",
            Basis::Assignment => "routing lag and rep response",
            Basis::Qualified => "the qualified stage",
            Basis::Meeting => "the meeting stage",
            Basis::Proposal => "the proposal stage",
            Basis::Won => "wins",
            Basis::LostReasons => "lost reasons and process losses from them",
            Basis::DealValues => "the average deal and every money figure built on it",
            Basis::Spend => "spend, cost per lead and cost per meeting",
        }
    }

    /// What to add so it is measured.
    pub fn fix(self) -> &'static str {
        match self {
            Basis::FirstTouch => {
                "map the CRM's first-contact time to first_contact_at, or add the call log (--calls) with its outbound calls, or the stage history (--history)"
            }
            Basis::Attempts => "add the call log (--calls) with its outbound calls",
            Basis::Assignment => "map the CRM's assignment time to assigned_at",
            Basis::Qualified => {
                "map the qualification time to qualified_at, or add the stage history (--history)"
            }
            Basis::Meeting => {
                "map the meeting time to meeting_at, or add the deals export (--deals) or the stage history (--history)"
            }
            Basis::Proposal => {
                "map the proposal or quote time to proposal_at, or add the stage history (--history)"
            }
            Basis::Won => {
                "map won_at or status, or add the deals export (--deals) or the stage history (--history)"
            }
            Basis::LostReasons => "map the lost-reason column to lost_reason",
            Basis::DealValues => {
                "map deal_value (leads) or amount (deals), or set [leakage] average_deal in handoff.toml"
            }
            Basis::Spend => "add the spend export (--spend)",
        }
    }
}

/// One source of a basis in this run's inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceFacts {
    pub input: &'static str,
    pub column: &'static str,
    /// The file was given and (for a real column) one of its headers maps to the column.
    pub present: bool,
    /// Rows of the file, when given.
    pub rows: u64,
    /// Rows with a value.
    pub values: u64,
}

/// One basis: measured or not, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BasisCoverage {
    pub basis: Basis,
    pub measured: bool,
    pub sources: Vec<SourceFacts>,
    /// Why it is not measured (null when it is).
    pub reason: Option<String>,
    /// What would measure it (null when it is).
    pub fix: Option<&'static str>,
}

/// A figure that is not measured, as metrics.json lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotMeasured {
    /// The metrics.json path of the figure.
    pub figure: &'static str,
    pub basis: Basis,
    pub reason: String,
    pub fix: &'static str,
}

/// Every basis of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub bases: Vec<BasisCoverage>,
}

impl Default for Coverage {
    /// Everything measured (unit tests, and ledgers built without inputs' facts).
    fn default() -> Self {
        Self {
            bases: Basis::ALL
                .iter()
                .map(|&basis| BasisCoverage {
                    basis,
                    measured: true,
                    sources: Vec::new(),
                    reason: None,
                    fix: None,
                })
                .collect(),
        }
    }
}

impl Coverage {
    /// Judges every basis from the facts of the run's inputs.
    /// `fixed_average`: config fixes the average deal, so deal values are not needed.
    pub fn judge(facts: &[SourceFacts], fixed_average: bool) -> Self {
        let bases = Basis::ALL
            .iter()
            .map(|&basis| {
                let sources: Vec<SourceFacts> = basis
                    .sources()
                    .iter()
                    .map(|(input, column)| {
                        facts
                            .iter()
                            .find(|f| f.input == input.name() && f.column == *column)
                            .cloned()
                            .unwrap_or(SourceFacts {
                                input: input.name(),
                                column,
                                present: false,
                                rows: 0,
                                values: 0,
                            })
                    })
                    .collect();
                let measured = sources.iter().any(|s| s.values > 0)
                    || (basis == Basis::DealValues && fixed_average);
                BasisCoverage {
                    basis,
                    measured,
                    reason: (!measured).then(|| reason(&sources)),
                    fix: (!measured).then(|| basis.fix()),
                    sources,
                }
            })
            .collect();
        Self { bases }
    }

    pub fn measured(&self, basis: Basis) -> bool {
        self.bases
            .iter()
            .find(|b| b.basis == basis)
            .is_none_or(|b| b.measured)
    }

    /// The entry for `figure` when its basis is not measured.
    pub fn not_measured(&self, figure: &'static str, basis: Basis) -> Option<NotMeasured> {
        let b = self.bases.iter().find(|b| b.basis == basis)?;
        (!b.measured).then(|| NotMeasured {
            figure,
            basis,
            reason: b.reason.clone().unwrap_or_default(),
            fix: basis.fix(),
        })
    }

    /// The bases that are not measured.
    pub fn missing(&self) -> impl Iterator<Item = &BasisCoverage> {
        self.bases.iter().filter(|b| !b.measured)
    }
}

/// "the leads file has no first_contact_at column; no calls file was given".
fn reason(sources: &[SourceFacts]) -> String {
    let parts: Vec<String> = sources
        .iter()
        .map(|s| match (s.column, s.present, s.rows) {
            (OUTBOUND_ROWS | ROWS, false, _) => format!("no {} file was given", s.input),
            (OUTBOUND_ROWS, true, rows) => {
                format!("the {} file has no outbound rows ({rows} rows)", s.input)
            }
            (ROWS, true, _) => format!("the {} file has no rows", s.input),
            (c, true, rows) if c.starts_with(ENTERING) => format!(
                "the {} file has no row entering {} ({rows} rows)",
                s.input,
                &c[ENTERING.len()..]
            ),
            (_, false, 0) if s.input != "leads" => format!("no {} file was given", s.input),
            (column, false, _) => format!("the {} file has no {column} column", s.input),
            (column, true, rows) => {
                format!(
                    "{column} in the {} file is empty in all {rows} rows",
                    s.input
                )
            }
        })
        .collect();
    parts.join("; ")
}

/// The facts of one loaded file for every basis source of its input.
/// `mapped` (export header -> canonical) tells which columns the file has.
pub fn facts(input: Input, frame: &DataFrame, stats: &FileStats) -> Vec<SourceFacts> {
    let rows = frame.height() as u64;
    let mut out: Vec<SourceFacts> = Vec::new();
    for basis in Basis::ALL {
        for (i, column) in basis.sources() {
            if *i != input || out.iter().any(|f| f.column == *column) {
                continue;
            }
            let (present, values) = match *column {
                ROWS => (true, rows),
                OUTBOUND_ROWS => (true, outbound_rows(frame)),
                c if c.starts_with(ENTERING) => (true, entering(frame, &c[ENTERING.len()..])),
                c => (
                    stats.mapped.iter().any(|(_, canonical)| canonical == c),
                    frame
                        .column(c)
                        .map_or(0, |s| (s.len() - s.null_count()) as u64),
                ),
            };
            out.push(SourceFacts {
                input: input.name(),
                column,
                present,
                rows,
                values,
            });
        }
    }
    out
}

/// Rows of a loaded stage history entering `stage`.
fn entering(frame: &DataFrame, stage: &str) -> u64 {
    frame
        .column(crate::load::normalise::FUNNEL_STAGE)
        .ok()
        .and_then(|c| {
            c.str()
                .ok()
                .map(|s| s.equal(stage).sum().unwrap_or(0) as u64)
        })
        .unwrap_or(0)
}

/// Outbound rows of a loaded call log (its direction kept as one flag).
fn outbound_rows(frame: &DataFrame) -> u64 {
    let flag = frame
        .column(crate::join::OUTBOUND)
        .ok()
        .and_then(|c| c.bool().ok().map(|b| b.sum().unwrap_or(0) as u64));
    flag.unwrap_or_else(|| {
        frame
            .column(model::DIRECTION)
            .ok()
            .and_then(|c| {
                c.str()
                    .ok()
                    .map(|s| s.equal("outbound").sum().unwrap_or(0) as u64)
            })
            .unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(
        input: Input,
        column: &'static str,
        present: bool,
        rows: u64,
        values: u64,
    ) -> SourceFacts {
        SourceFacts {
            input: input.name(),
            column,
            present,
            rows,
            values,
        }
    }

    #[test]
    fn a_basis_without_values_is_not_measured_and_says_why() {
        let facts = [
            fact(Input::Leads, model::FIRST_CONTACT_AT, true, 12, 0),
            fact(Input::Leads, model::ASSIGNED_AT, false, 12, 0),
            fact(Input::Leads, model::LOST_REASON, true, 12, 3),
        ];
        let c = Coverage::judge(&facts, false);
        assert!(!c.measured(Basis::FirstTouch));
        assert!(!c.measured(Basis::Assignment));
        assert!(c.measured(Basis::LostReasons));
        let touch = c.not_measured("sla", Basis::FirstTouch).unwrap();
        assert_eq!(
            touch.reason,
            "first_contact_at in the leads file is empty in all 12 rows; no calls file was given; no history file was given"
        );
        assert!(touch.fix.contains("--calls"));
        assert_eq!(
            c.not_measured("routing", Basis::Assignment).unwrap().reason,
            "the leads file has no assigned_at column"
        );
        // Deal values: not measured, unless config fixes the average deal.
        assert!(!c.measured(Basis::DealValues));
        assert!(Coverage::judge(&facts, true).measured(Basis::DealValues));
        assert!(Coverage::default().measured(Basis::Spend));
    }
}
