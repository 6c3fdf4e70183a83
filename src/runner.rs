//! Running a scenario: the loop that steps a [`Simulation`] through a scenario's days, used by
//! the command line ([`crate::cli`]), the experiments ([`crate::experiment`]) and anything else
//! that needs a run's rows. It writes nothing; a run is a pure function of its scenario and seed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Result, bail};

use crate::model::{Phase, Simulation, TickMetrics};
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
    on_tick: impl FnMut(&mut Simulation, &TickMetrics),
) -> Result<(Vec<TickMetrics>, Simulation)> {
    simulate_profiled(scenario, None, on_tick)
}

/// Where a run's time went (`commune run --profile`): wall-clock seconds in each stage of the
/// day, summed over the days run.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// The day's events ([`STAGES`]`[0]`), then each phase of [`Phase::ALL`].
    pub stages: [f64; STAGES.len()],
    /// The caller's own work after each day (`on_tick`: the command's observations).
    pub observing: f64,
    /// Days run.
    pub days: u32,
    /// The process's resident memory after each stage that has run (`--profile` prints them):
    /// "world set up" and "days run" here, then the command's own.
    pub memory: Vec<(&'static str, crate::memory::Resident)>,
    /// What the world's persons' table held once the world was set up.
    pub persons: crate::memory::PersonTable,
    /// The world's tables by kind of entity once it was set up.
    pub tables: Vec<crate::memory::Tables>,
    /// The world's resources and the bytes of their sparse indexes, once it was set up.
    pub resources: (u32, u64),
}

impl Profile {
    /// Notes the process's resident memory after `stage` (nothing where the system does not say).
    pub fn note_memory(&mut self, stage: &'static str) {
        if let Some(r) = crate::memory::resident() {
            self.memory.push((stage, r));
        }
    }
}

/// The stages of a day a [`Profile`] times, in order: the day's events, then the phases.
pub const STAGES: [&str; Phase::ALL.len() + 1] = [
    "events",
    Phase::ALL[0].name(),
    Phase::ALL[1].name(),
    Phase::ALL[2].name(),
    Phase::ALL[3].name(),
    Phase::ALL[4].name(),
    Phase::ALL[5].name(),
    Phase::ALL[6].name(),
    Phase::ALL[7].name(),
];

/// Like [`simulate_keep`]; with a `profile`, each day runs phase by phase
/// ([`Simulation::step_phased`]: the same day to the bit) and the time of each stage is added
/// to it.
pub fn simulate_profiled(
    scenario: &Scenario,
    mut profile: Option<&mut Profile>,
    mut on_tick: impl FnMut(&mut Simulation, &TickMetrics),
) -> Result<(Vec<TickMetrics>, Simulation)> {
    let mut sim = Simulation::new(scenario.params.clone(), scenario.meta.seed);
    for event in &scenario.schedule {
        sim.schedule_event(event.clone());
    }
    if let Some(p) = profile.as_deref_mut() {
        p.note_memory("world set up");
        p.persons = crate::memory::person_table(sim.world_mut());
        p.tables = crate::memory::tables(sim.world_mut());
        p.resources = crate::memory::resources(sim.world_mut());
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
        let row = match profile.as_deref_mut() {
            None => sim.step(),
            Some(p) => {
                let mut last = Instant::now();
                let row = sim.step_phased(|stage| {
                    let now = Instant::now();
                    if stage > 0 {
                        p.stages[stage - 1] += (now - last).as_secs_f64();
                    }
                    last = now;
                });
                p.days += 1;
                row
            }
        };
        let observed = profile.is_some().then(Instant::now);
        on_tick(&mut sim, &row);
        if let (Some(p), Some(start)) = (profile.as_deref_mut(), observed) {
            p.observing += start.elapsed().as_secs_f64();
        }
        rows.push(row);
    }
    if let Some(p) = profile {
        p.note_memory("days run");
    }
    Ok((rows, sim))
}
