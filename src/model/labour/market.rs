//! The status quo's ways of spending labour and goods, for the reference scenario: goods made
//! beyond what is wanted and thrown away unsold, adults given no work, and hours spent on money
//! and law that produce nothing. All are off by default (the essay's society has none of them).
//!
//! - `overproduction`: every syndicate making a storable good plans that much more than is
//!   wanted (its inputs too), and what is made beyond the want is thrown away at the end of the
//!   day; unsold garments count among the garments discarded.
//! - `unemployed_share`: that share of adults is drawn at the start and given no work (their
//!   willingness is 0); they still count as able adults, so `work_hours_per_worker` is the figure
//!   to compare with hours per employed person.
//! - `money_law_share`: that share of every syndicate's posted hours goes to money and law
//!   (accounts, sales, banking, contracts, courts): hours posted and worked like any other, that
//!   make nothing. Output still follows the share of the other hours filled.

use bevy_ecs::prelude::*;

use crate::model::kernel::ledger::{Days, LabourDay};
use crate::model::kernel::params::{N_SECTORS, Params};

/// Adds money and law to every syndicate's posted hours, so that `money_law_share` of the
/// hours posted make nothing; runs last in the Plan phase.
pub fn post_money_law_hours(params: Res<Params>, mut labour: ResMut<Days<LabourDay>>) {
    let share = params.market.money_law_share;
    if share <= 0.0 {
        return;
    }
    let scale = 1.0 / (1.0 - share);
    for day in labour.iter_mut() {
        for s in 0..N_SECTORS {
            day.posted[s] *= scale;
            day.unfilled[s] *= scale;
        }
    }
}
