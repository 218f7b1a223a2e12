//! The scorecard's sections, in page order: one view function each, from the
//! metrics (and the config in force, for targets and definitions) to typed
//! blocks. The list below is the page.

mod about;
mod actions;
mod audit;
mod findings;
mod funnel;
mod leakage;
mod marketer;
mod response;
mod verdict;

use super::view::Section;
use crate::config::Config;
use crate::error::Result;
use crate::metrics::Metrics;

/// A section's view function.
type View = fn(&Metrics, &Config) -> Result<Section>;

/// The page, in order.
const PAGE: [View; 8] = [
    verdict::section,
    response::section,
    funnel::section,
    marketer::section,
    leakage::section,
    actions::section,
    audit::section,
    about::section,
];

/// Every section of the page; a week with no leads draws no charts (empty
/// axes say nothing).
pub fn all(m: &Metrics, config: &Config) -> Result<Vec<Section>> {
    let mut sections: Vec<Section> = PAGE
        .iter()
        .map(|view| view(m, config))
        .collect::<Result<_>>()?;
    if m.volume.handed_off == 0 {
        for s in &mut sections {
            s.blocks
                .retain(|b| !matches!(b, super::view::Block::Chart { .. }));
        }
    }
    Ok(sections)
}
