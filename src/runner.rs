//! Running a scenario: the loop that steps a [`Simulation`] through a scenario's days, used by
//! the command line ([`crate::cli`]), the experiments ([`crate::experiment`]) and anything else
//! that needs a run's rows. It writes nothing; a run is a pure function of its scenario and seed.

use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Result, bail};

use crate::model::{Simulation, TickMetrics};
use crate::scenario::Scenario;

/// Set by Ctrl-C: runs stop at the end of the day they are in, and nothing half-written is kept.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Runs `scenario` for its ticks, calling `on_tick` after each; returns every metrics row, or an
/// error if Ctrl-C stopped it ([`INTERRUPTED`]).
pub fn simulate(
    scenario: &Scenario,
    mut on_tick: impl FnMut(&TickMetrics),
) -> Result<Vec<TickMetrics>> {
    simulate_with(scenario, |_, row| on_tick(row))
}

/// Like [`simulate`], giving `on_tick` the simulation too, to read more than the metrics row.
pub fn simulate_with(
    scenario: &Scenario,
    on_tick: impl FnMut(&mut Simulation, &TickMetrics),
) -> Result<Vec<TickMetrics>> {
    simulate_keep(scenario, on_tick).map(|(rows, _)| rows)
}

/// Like [`simulate_with`], returning the simulation at the end too (for its log of events and
/// decisions).
pub fn simulate_keep(
    scenario: &Scenario,
    mut on_tick: impl FnMut(&mut Simulation, &TickMetrics),
) -> Result<(Vec<TickMetrics>, Simulation)> {
    let mut sim = Simulation::new(scenario.params.clone(), scenario.meta.seed);
    for event in &scenario.schedule {
        sim.schedule_event(event.clone());
    }
    let mut rows = Vec::with_capacity(scenario.meta.ticks as usize);
    for _ in 0..scenario.meta.ticks {
        if INTERRUPTED.load(Ordering::Relaxed) {
            bail!(
                "interrupted on day {} of {}",
                rows.len(),
                scenario.meta.ticks
            );
        }
        let row = sim.step();
        on_tick(&mut sim, &row);
        rows.push(row);
    }
    Ok((rows, sim))
}
