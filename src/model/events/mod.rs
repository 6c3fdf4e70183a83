//! Events: things that happen to the world on a given day (a drought, newcomers, an illness
//! wave, an installation failing, a guild founded, a policy changed), and the log of events and
//! assembly decisions that charts and the dashboard's feed show.
//!
//! Events are applied at the start of their day, before the schedule runs, so a policy change on
//! day `d` governs day `d` itself. A scenario schedules them (`[[events]]`); the dashboard applies
//! them as a teacher presses buttons. Either way they go through [`apply`], so a session replays
//! exactly from a scenario file holding the same events on the same days.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::energy::{EnergySystem, Vintages};
use crate::model::food::droughts::Droughts;
use crate::model::housing::Dwellings;
use crate::model::kernel::components::{
    AgeClass, Community, HealthState, Land, Member, Person, Stocks, StoreRoom,
};
use crate::model::kernel::decisions::Government;
use crate::model::kernel::goods::Good;
use crate::model::kernel::households::Households;
use crate::model::kernel::params::Sector;
use crate::model::kernel::params::energy::{N_SOURCES, Source};
use crate::model::kernel::params::setting::ParamValue;
use crate::model::kernel::params::{InfluxRule, Params};
use crate::model::kernel::regions::Regions;
use crate::model::kernel::rng::{Purpose, stream};
use crate::model::population::life::illness_days;
use crate::model::population::setup::spawn_homed;

/// Which communities an event touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    All,
    Region(u32),
    Community(u32),
}

impl Target {
    pub fn includes(self, community: &Community) -> bool {
        match self {
            Target::All => true,
            Target::Region(r) => community.region == r,
            Target::Community(c) => community.id == c,
        }
    }

    fn describe(self) -> String {
        match self {
            Target::All => "everywhere".to_owned(),
            Target::Region(r) => format!("in region {r}"),
            Target::Community(c) => format!("in community {c}"),
        }
    }
}

/// What happens.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// Harvests of the land in `target` are scaled by `yield_factor` for `days` days; a season
    /// planned while the drought lasts is planned for the lower yield.
    Drought {
        target: Target,
        yield_factor: f64,
        days: u32,
    },
    /// `persons` newcomers, drawn like the first population, join `community`. With
    /// `provisions`, the community grows with them as if founded with them: land, floor area,
    /// energy installations and storage, food and goods in store, each by its amount per
    /// resident today.
    Influx {
        community: u32,
        persons: u32,
        provisions: bool,
    },
    /// Each well person in `target` falls ill with probability `share`.
    IllnessWave { target: Target, share: f64 },
    /// `share` of `source`'s capacity in `community` stops working for `days` days.
    InstallationFailure {
        community: u32,
        source: Source,
        share: f64,
        days: u32,
    },
    /// The rail links joining communities `from` and `to` carry nothing for `days` days; freight
    /// takes the next shortest route, or stops where the network is split.
    RailFailure { from: u32, to: u32, days: u32 },
    /// `members` of `community`'s people with the most appeal for making `good` found a guild.
    GuildFounded {
        community: u32,
        good: Good,
        members: u32,
    },
    /// One parameter takes a new value from this day (a `set` event or a lever moved). It
    /// carries only that path and value: every other parameter, and every decision the
    /// assemblies have taken, stays as it is (see `policy`).
    Set { path: String, value: ParamValue },
    /// Someone outside the simulation (a student in a live classroom) votes yes or no on item
    /// `item` (counted from 0) of `community`'s assembly agenda of this day. The vote counts
    /// beside the members' (see `governance::assembly::OutsideVotes`); a day without that item
    /// ignores it.
    Vote {
        community: u32,
        item: u32,
        yes: bool,
    },
    /// Someone outside the simulation (a student in a live classroom) offers `hours` a day to
    /// `sector` of `community` for `days` days from this one. The hours fill only what the
    /// members leave unfilled (see `labour::outside`); hours not needed are not worked.
    Volunteer {
        community: u32,
        sector: Sector,
        hours: f64,
        days: u32,
    },
}

impl EventKind {
    /// Short name of the kind, as in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Drought { .. } => "drought",
            EventKind::Influx { .. } => "influx",
            EventKind::IllnessWave { .. } => "illness_wave",
            EventKind::InstallationFailure { .. } => "installation_failure",
            EventKind::RailFailure { .. } => "rail_failure",
            EventKind::GuildFounded { .. } => "guild",
            EventKind::Set { .. } => "set",
            EventKind::Vote { .. } => "vote",
            EventKind::Volunteer { .. } => "volunteer",
        }
    }

    /// A line for the log and chart markers.
    pub fn describe(&self) -> String {
        match self {
            EventKind::Drought {
                target,
                yield_factor,
                days,
            } => format!(
                "drought {}: yields x{yield_factor} for {days} days",
                target.describe()
            ),
            EventKind::Influx {
                community,
                persons,
                provisions,
            } => {
                let with = if *provisions {
                    ", with land, housing, energy and stores"
                } else {
                    ""
                };
                format!("{persons} newcomers join community {community}{with}")
            }
            EventKind::IllnessWave { target, share } => {
                format!(
                    "illness wave {}: {:.0}% fall ill",
                    target.describe(),
                    share * 100.0
                )
            }
            EventKind::InstallationFailure {
                community,
                source,
                share,
                days,
            } => format!(
                "{:.0}% of {} capacity fails in community {community} for {days} days",
                share * 100.0,
                source.name()
            ),
            EventKind::RailFailure { from, to, days } => {
                format!("the rail link between communities {from} and {to} fails for {days} days")
            }
            EventKind::GuildFounded {
                community,
                good,
                members,
            } => format!(
                "{members} people found a {} guild in community {community}",
                good.name()
            ),
            EventKind::Set { path, value } => format!("policy: {path} = {value}"),
            EventKind::Vote {
                community,
                item,
                yes,
            } => format!(
                "an outside vote {} on item {item} of community {community}'s assembly",
                if *yes { "for" } else { "against" }
            ),
            EventKind::Volunteer {
                community,
                sector,
                hours,
                days,
            } => format!(
                "an outside volunteer offers {hours} h a day to the {} syndicate of community \
                 {community} for {days} day{}",
                sector.name(),
                if *days == 1 { "" } else { "s" }
            ),
        }
    }
}

/// An event and the tick it happens on.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduledEvent {
    pub tick: u32,
    pub kind: EventKind,
}

/// Events still to come, ordered by tick (stable: same-day events keep their given order).
#[derive(Resource, Default, Debug)]
pub struct EventQueue {
    pending: Vec<ScheduledEvent>,
}

impl EventQueue {
    pub fn add(&mut self, event: ScheduledEvent) {
        let at = self.pending.partition_point(|e| e.tick <= event.tick);
        self.pending.insert(at, event);
    }

    /// Forgets every event still to come.
    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// Removes and returns the events due on or before `tick`.
    pub fn take_due(&mut self, tick: u32) -> Vec<ScheduledEvent> {
        let n = self.pending.partition_point(|e| e.tick <= tick);
        self.pending.drain(..n).collect()
    }
}

/// Capacity out of service after failures: (community, source, kW, tick it returns).
#[derive(Resource, Debug, Default)]
pub struct Failures {
    pub out: Vec<(u32, usize, f64, u32)>,
}

/// Random streams for events, one per community, so an event's draws do not shift the model's.
#[derive(Resource)]
pub struct EventRngs(pub Vec<ChaCha8Rng>);

impl EventRngs {
    pub fn new(seed: u64, communities: u32) -> Self {
        Self(
            (0..communities)
                .map(|c| stream(seed, Purpose::Events, u64::from(c)))
                .collect(),
        )
    }
}

/// Puts back capacity and rail links whose repair time has come. Runs at the start of each
/// tick.
pub fn repair(world: &mut World, tick: u32) {
    crate::model::rail::links::repair(world, tick);
    let mut failures = world.resource_mut::<Failures>();
    if failures.out.is_empty() {
        return;
    }
    let (back, still): (Vec<_>, Vec<_>) = failures.out.drain(..).partition(|f| f.3 <= tick);
    failures.out = still;
    for (c, source, kw, _) in back {
        let mut query = world.query::<(&Community, &mut EnergySystem)>();
        for (community, mut system) in query.iter_mut(world) {
            if community.id == c {
                system.capacity_kw[source] += kw;
            }
        }
    }
}

/// Grows community `c` for `newcomers` more residents by its amounts per resident today: land,
/// floor area, energy installations and storage, food and goods in store.
fn provide(world: &mut World, params: &Params, tick: u32, c: u32, newcomers: u32) {
    let residents = world
        .query::<&Member>()
        .iter(world)
        .filter(|m| m.0 == c)
        .count();
    if residents == 0 {
        return;
    }
    let factor = f64::from(newcomers) / residents as f64;
    let mut query = world.query::<(
        &Community,
        &mut Land,
        &mut StoreRoom,
        &mut Stocks,
        &mut Dwellings,
        &mut EnergySystem,
        &mut Vintages,
    )>();
    for (community, mut land, mut store, mut stocks, mut dwellings, mut system, mut vintages) in
        query.iter_mut(world)
    {
        if community.id != c {
            continue;
        }
        land.arable_ha *= 1.0 + factor;
        store.food_kg *= 1.0 + factor;
        stocks.0.iter_mut().for_each(|s| *s *= 1.0 + factor);
        dwellings.m2 *= 1.0 + factor;
        vintages.settle(&params.energy, &mut system, tick, factor);
    }
}

/// `persons` newcomers, drawn like the first population from community `c`'s `Events` stream,
/// join `c` on `tick`; with `provisions`, `c` grows with them as if founded with them
/// (`provide`). An `influx` event under `population.influx = "arrive"`, and newcomers accepted
/// by an assembly under `"decided"` (always with provisions).
pub fn arrive(world: &mut World, tick: u32, c: u32, persons: u32, provisions: bool) {
    let params = world.resource::<Params>().clone();
    if provisions {
        provide(world, &params, tick, c, persons);
    }
    let (newcomers, homes): (Vec<_>, _) =
        world.resource_scope(|world, mut rngs: Mut<EventRngs>| {
            let rng = &mut rngs.0[c as usize];
            let newcomers: Vec<_> = (0..persons)
                .map(|_| {
                    let person = crate::model::population::setup::draw_person(rng, &params, c);
                    let values = crate::model::kernel::decisions::Values::draw(rng);
                    crate::model::population::setup::with_values(person, values)
                })
                .collect();
            // With households, the newcomers come as households of their own, drawn after them.
            let homes = params.population.households().then(|| {
                let grown: Vec<bool> = newcomers
                    .iter()
                    .map(|(_, p, ..)| p.age != AgeClass::Child)
                    .collect();
                world
                    .resource_mut::<Households>()
                    .form(rng, &params, c, &grown)
            });
            (newcomers, homes)
        });
    let homes = homes.as_deref();
    if params.economy.wants() {
        // Newcomers' wants, in the order they arrive.
        let mut serial = *world.resource::<crate::model::population::wants::WantSerial>();
        let newcomers: Vec<_> = newcomers
            .into_iter()
            .map(|person| (person, serial.draw(&params)))
            .collect();
        world.insert_resource(serial);
        spawn_homed(world, newcomers, homes);
    } else {
        spawn_homed(world, newcomers, homes);
    }
}

/// Applies one event (other than a policy change, which the caller applies with the world's
/// parameters) on `tick`.
pub fn apply(world: &mut World, tick: u32, kind: &EventKind) {
    match kind {
        EventKind::Vote {
            community,
            item,
            yes,
        } => {
            world
                .resource_mut::<crate::model::governance::assembly::OutsideVotes>()
                .cast(tick, *community, *item, *yes);
        }
        EventKind::Volunteer {
            community,
            sector,
            hours,
            days,
        } => {
            world
                .resource_mut::<crate::model::labour::outside::OutsideHours>()
                .offer(crate::model::labour::outside::Offer {
                    community: *community,
                    sector: sector.index(),
                    hours: *hours,
                    from: tick,
                    until: tick.saturating_add(*days),
                });
        }
        EventKind::Drought {
            target,
            yield_factor,
            days,
        } => {
            let hit: Vec<usize> = world
                .query::<&Community>()
                .iter(world)
                .filter(|c| target.includes(c))
                .map(|c| c.id as usize)
                .collect();
            let mut droughts = world.resource_mut::<Droughts>();
            for c in hit {
                droughts.factor[c] = *yield_factor;
                droughts.until[c] = tick.saturating_add(*days);
            }
        }
        EventKind::Influx {
            community,
            persons,
            provisions,
        } => {
            let rule = world.resource::<Params>().population.influx;
            if rule == InfluxRule::Decided {
                // They ask; the community's assembly decides at its next meeting.
                let region = world.resource::<Regions>().of(*community as usize) as u32;
                world
                    .resource_mut::<Government>()
                    .newcomers
                    .ask(*community, region, *persons, tick);
            } else {
                arrive(world, tick, *community, *persons, *provisions);
            }
        }
        EventKind::IllnessWave { target, share } => {
            let mean_days = world.resource::<Params>().health.mean_illness_days;
            let communities: Vec<Community> = {
                let mut q = world.query::<&Community>();
                let mut v: Vec<Community> = q.iter(world).copied().collect();
                v.sort_by_key(|c| c.id);
                v
            };
            world.resource_scope(|world, mut rngs: Mut<EventRngs>| {
                let mut q = world.query::<(&Member, &mut Person)>();
                for (member, mut person) in q.iter_mut(world) {
                    let c = member.0 as usize;
                    if !target.includes(&communities[c]) || person.health != HealthState::Well {
                        continue;
                    }
                    let rng = &mut rngs.0[c];
                    if rng.random::<f64>() < *share {
                        person.health = HealthState::Ill;
                        person.sick_days = illness_days(rng, mean_days);
                    }
                }
            });
        }
        EventKind::InstallationFailure {
            community,
            source,
            share,
            days,
        } => {
            let s = *source as usize;
            debug_assert!(s < N_SOURCES);
            let mut lost = 0.0;
            let mut query = world.query::<(&Community, &mut EnergySystem)>();
            for (c, mut system) in query.iter_mut(world) {
                if c.id == *community {
                    lost = system.capacity_kw[s] * share.clamp(0.0, 1.0);
                    system.capacity_kw[s] -= lost;
                }
            }
            world.resource_mut::<Failures>().out.push((
                *community,
                s,
                lost,
                tick.saturating_add(*days),
            ));
        }
        EventKind::RailFailure { from, to, days } => {
            crate::model::rail::links::fail(world, *from, *to, tick.saturating_add(*days));
        }
        EventKind::GuildFounded {
            community,
            good,
            members,
        } => crate::model::guilds::found(world, *community, *good, *members),
        // Applied by `Simulation::set`, which also keeps what the new value needs.
        EventKind::Set { .. } => {}
    }
}
