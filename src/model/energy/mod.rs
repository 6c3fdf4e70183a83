//! Energy: installations by source with their seasons and weather, community storage, regional
//! grid links that move surplus to deficit, and curtailment.
//!
//! Each community holds installed capacity per source (kW per person at the start). A day's
//! generation is capacity x 24 h x capacity factor x the source's season x the region's weather,
//! scaled by the share of the energy syndicate's hours that were filled. Each community meets its
//! own demand first, then charges or draws on its storage; what is left over in a region is
//! shared over its grid links (less a loss) with the communities still short; fossil plants, where
//! allowed, fill what is still missing; any surplus left is curtailed.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::kernel::calendar::Clock;
use crate::model::kernel::components::{Community, Directory, Region, Stocks};
use crate::model::kernel::decisions::Decided;
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::ledger::{BuildDay, Days, EnergyDay, GoodsDay, LabourDay};
use crate::model::kernel::params::energy::{EnergyParams, EnergyUser, N_SOURCES, Source};
use crate::model::kernel::params::{Params, Sector};
use crate::model::kernel::rng::{Purpose, stream};

/// How a deficit of energy is shared out. `homes` is what homes would take, `sectors[j]` what
/// sector `j` would take at its staffing today, and `available` what there is (kWh). The users in
/// `order` are cut first, one after another, each down to nothing before the next is touched;
/// users not in `order` are cut last, together, in proportion to their use. Returns what homes
/// and each sector may take.
pub fn curtail(
    order: &[EnergyUser],
    homes: f64,
    sectors: &[f64; N_GOODS],
    available: f64,
) -> (f64, [f64; N_GOODS]) {
    let mut homes_left = homes;
    let mut left = *sectors;
    let mut deficit = homes + sectors.iter().sum::<f64>() - available;
    if deficit <= 0.0 {
        return (homes_left, left);
    }
    let mut listed_homes = false;
    let mut listed = [false; N_GOODS];
    for user in order {
        let use_ = match user {
            EnergyUser::Homes => {
                listed_homes = true;
                &mut homes_left
            }
            EnergyUser::Sector(g) => {
                listed[g.index()] = true;
                &mut left[g.index()]
            }
        };
        let cut = deficit.min(*use_);
        *use_ -= cut;
        deficit -= cut;
    }
    let rest: f64 = (0..N_GOODS)
        .filter(|j| !listed[*j])
        .map(|j| left[j])
        .sum::<f64>()
        + if listed_homes { 0.0 } else { homes_left };
    if deficit > 0.0 && rest > 0.0 {
        let scale = ((rest - deficit) / rest).max(0.0);
        for j in 0..N_GOODS {
            if !listed[j] {
                left[j] *= scale;
            }
        }
        if !listed_homes {
            homes_left *= scale;
        }
    }
    (homes_left, left)
}

/// A community's installations and store of energy.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct EnergySystem {
    /// Installed capacity by source (kW).
    pub capacity_kw: [f64; N_SOURCES],
    /// Energy in storage (kWh).
    pub stored_kwh: f64,
    /// Storage capacity (kWh).
    pub storage_kwh: f64,
}

/// Today's weather factor for each region and weather-dependent source (mean 1).
#[derive(Resource)]
pub struct Weather {
    rngs: Vec<ChaCha8Rng>,
    /// Factor by region and source (solar, wind, hydro).
    pub factors: Vec<[f64; 3]>,
}

impl Weather {
    pub fn new(seed: u64, regions: u32) -> Self {
        Self {
            rngs: (0..regions)
                .map(|r| stream(seed, Purpose::Weather, u64::from(r)))
                .collect(),
            factors: vec![[1.0; 3]; regions as usize],
        }
    }
}

/// Draws today's weather in every region.
pub fn draw_weather(params: Res<Params>, mut weather: ResMut<Weather>) {
    let spread = params.energy.weather_cv * 3f64.sqrt();
    let weather = &mut *weather;
    for (rng, factors) in weather.rngs.iter_mut().zip(weather.factors.iter_mut()) {
        for f in factors.iter_mut() {
            *f = (1.0 + spread * (2.0 * rng.random::<f64>() - 1.0)).max(0.0);
        }
    }
}

/// A region's energy grid, on the region's entity: whether its links are built and whether a
/// regional syndicate pools the region's energy, the share lost on the links, and the day's sums
/// and what moved over it. Set afresh by [`generate_energy`] every day; the sums a day does not
/// use stay 0 (the pool's when nothing is pooled, the links' when no grid is built).
#[derive(Component, Clone, Copy, Debug, Default, PartialEq)]
pub struct Grid {
    /// The region's links carry surplus to communities short (`energy.regional_grid`, or a
    /// regional syndicate, whose grid is always there).
    pub built: bool,
    /// A regional syndicate pools the region's energy hours and generation.
    pub pooled: bool,
    /// Share of what is sent over the links that is lost (`energy.grid_loss_share`).
    pub loss_share: f64,
    /// Energy hours posted in the region, when pooled (hours).
    pub posted_hours: f64,
    /// Energy hours filled in the region, when pooled (hours).
    pub filled_hours: f64,
    /// The region's planned demand, when pooled (kWh).
    pub demand_kwh: f64,
    /// What the region's solar, wind and water would make today fully staffed, when pooled
    /// (kWh).
    pub potential_kwh: f64,
    /// Generated by the region's installations, fossil plants aside (kWh).
    pub generated_kwh: f64,
    /// Surplus and shortage in the region after own use and storage, before the links (kWh).
    pub surplus_kwh: f64,
    pub short_kwh: f64,
    /// Given into the links by communities in surplus, losses included (kWh).
    pub sent_kwh: f64,
    /// Received from the links by communities short (kWh).
    pub received_kwh: f64,
    /// Lost on the links (kWh).
    pub lost_kwh: f64,
}

/// The grids in region order (region `r`'s at index `r`).
fn grids_by_region<'a>(grids: &'a mut Query<(&Region, &mut Grid)>) -> Vec<Mut<'a, Grid>> {
    let mut all: Vec<(u32, Mut<Grid>)> = grids.iter_mut().map(|(r, g)| (r.id, g)).collect();
    all.sort_by_key(|(id, _)| *id);
    all.into_iter().map(|(_, g)| g).collect()
}

/// What each of `system`'s solar, wind and water sources would make today fully staffed (kWh;
/// 0 for fossil plants, which fill gaps apart, and for sources not allowed).
fn fully_staffed(
    system: &EnergySystem,
    per_kw: &[f64; N_SOURCES],
    weather: [f64; 3],
    e: &EnergyParams,
) -> [f64; N_SOURCES] {
    let mut kwh = [0.0; N_SOURCES];
    for s in Source::ALL {
        if s != Source::Fossil && e.allowed(s) {
            let w = s.weather_index().map_or(1.0, |i| weather[i]);
            kwh[s as usize] = system.capacity_kw[s as usize] * per_kw[s as usize] * w;
        }
    }
    kwh
}

/// The share of its installations' running the energy syndicate staffed: the hours filled over
/// the hours posted, where the posted hours are for the day's `demand` but running the
/// installations takes them only for what they can make (`potential`, kWh): hours posted for
/// demand beyond it (a local plan's surge) do not idle the installations when unfilled.
fn staffing(posted: f64, filled: f64, demand: f64, potential: f64) -> f64 {
    if posted <= 0.0 {
        return 1.0;
    }
    let needed = if demand > potential {
        posted * potential / demand
    } else {
        posted
    };
    if needed > 0.0 {
        (filled / needed).clamp(0.0, 1.0)
    } else {
        1.0
    }
}

/// Generates, stores, shares and curtails energy, and sets how much each community has to meet
/// today's planned demand. Each region's working sums and what moved over its links are kept on
/// its [`Grid`].
#[allow(clippy::too_many_arguments)]
pub fn generate_energy(
    clock: Res<Clock>,
    params: Res<Params>,
    decided: Res<Decided>,
    weather: Res<Weather>,
    labour: Res<Days<LabourDay>>,
    goods: Res<Days<GoodsDay>>,
    mut energy: ResMut<Days<EnergyDay>>,
    mut communities: Query<(&Community, &mut EnergySystem)>,
    mut grids: Query<(&Region, &mut Grid)>,
) {
    let e = &params.energy;
    let regional = e.regional();
    let day = clock.day_of_year();
    let energy_sector = Sector::Making(Good::Energy).index();
    let mut grid = grids_by_region(&mut grids);
    for g in grid.iter_mut() {
        **g = Grid {
            built: e.regional_grid || regional,
            pooled: regional,
            loss_share: e.grid_loss_share,
            ..Grid::default()
        };
    }
    let mut per_kw = [0.0; N_SOURCES];
    for source in Source::ALL {
        per_kw[source as usize] = e.seasonal_kwh_per_kw(source, day);
        // A regional syndicate sites its solar, wind and water where they give most.
        if regional && source.weather_index().is_some() {
            per_kw[source as usize] *= e.regional_site_gain;
        }
    }
    // Under a regional syndicate the region's hours are pooled: its installations run at the
    // share of the region's energy hours that were filled.
    // The pool is shared in proportion to each community's demand.
    if regional {
        for (community, _) in &communities {
            let (work, planned) = (
                &labour[community.id as usize],
                &goods[community.id as usize],
            );
            let g = &mut grid[community.region as usize];
            g.posted_hours += work.posted[energy_sector];
            g.filled_hours += work.posted[energy_sector] - work.unfilled[energy_sector];
            g.demand_kwh += planned.planned[Good::Energy.index()];
        }
        for (community, system) in &communities {
            let r = community.region as usize;
            let kwh = fully_staffed(system, &per_kw, weather.factors[r], e);
            grid[r].potential_kwh += kwh.iter().sum::<f64>();
        }
    }
    // Each community's installations generate.
    for (community, system) in &communities {
        let r = community.region as usize;
        let today = &mut energy[community.id as usize];
        let full = fully_staffed(system, &per_kw, weather.factors[r], e);
        let (posted, filled, demand, potential) = if regional {
            let g = &grid[r];
            (
                g.posted_hours,
                g.filled_hours,
                g.demand_kwh,
                g.potential_kwh,
            )
        } else {
            let c = community.id as usize;
            let posted = labour[c].posted[energy_sector];
            (
                posted,
                posted - labour[c].unfilled[energy_sector],
                goods[c].planned[Good::Energy.index()],
                full.iter().sum(),
            )
        };
        let staffed = staffing(posted, filled, demand, potential);
        let mut flows = EnergyDay::default();
        let mut local = 0.0;
        for source in Source::ALL {
            if source == Source::Fossil || !e.allowed(source) {
                continue;
            }
            let kwh = full[source as usize] * staffed;
            flows.generated[source as usize] = kwh;
            local += kwh;
        }
        *today = flows;
        today.surplus = local;
        grid[r].generated_kwh += local;
    }
    // Own generation (or, under a regional syndicate, a share of the region's pool in
    // proportion to demand, less transmission losses) meets demand first; then storage.
    for (community, mut system) in &mut communities {
        let r = community.region as usize;
        let today = &mut energy[community.id as usize];
        let demand = goods[community.id as usize].planned[Good::Energy.index()];
        let mut local = today.surplus;
        if regional {
            let keep = 1.0 - e.transmission_loss_share;
            let own = local * keep;
            let share = if grid[r].demand_kwh > 0.0 {
                grid[r].generated_kwh * keep * demand / grid[r].demand_kwh
            } else {
                own
            };
            today.lost += local - own;
            today.imported = (share - own).max(0.0);
            today.exported = (own - share).max(0.0);
            local = share;
        }
        let flows = &mut *today;
        let used = local.min(demand);
        let mut surplus = local - used;
        let mut short = demand - used;
        let room = system.storage_kwh - system.stored_kwh;
        let charge = surplus.min(room);
        system.stored_kwh += charge;
        surplus -= charge;
        flows.charged = charge;
        let draw = (short / e.storage_efficiency).min(system.stored_kwh);
        system.stored_kwh -= draw;
        flows.discharged = draw * e.storage_efficiency;
        flows.lost += draw - flows.discharged;
        short -= flows.discharged;
        flows.available = used + flows.discharged;
        today.surplus = surplus;
        today.short = short;
    }
    // Regional grid: surplus shared over each region's links, in proportion to need.
    if e.regional_grid || regional {
        for (community, _) in &communities {
            let today = &energy[community.id as usize];
            let g = &mut grid[community.region as usize];
            g.surplus_kwh += today.surplus;
            g.short_kwh += today.short;
        }
        for (community, _) in &communities {
            let g = &mut grid[community.region as usize];
            let keep = 1.0 - g.loss_share;
            let sent = (g.surplus_kwh * keep).min(g.short_kwh);
            if sent <= 0.0 {
                continue;
            }
            let today = &mut energy[community.id as usize];
            // Each short community receives its part of what is sent; each in surplus gives its
            // part of what leaves, including the losses.
            let received = sent * today.short / g.short_kwh;
            let given = (sent / keep) * today.surplus / g.surplus_kwh;
            let lost = given * g.loss_share;
            today.imported += received;
            today.exported += given;
            today.lost += lost;
            today.available += received;
            today.short -= received;
            today.surplus -= given;
            g.received_kwh += received;
            g.sent_kwh += given;
            g.lost_kwh += lost;
        }
    }
    // Fossil plants, where allowed, fill what is still short; the rest of any surplus is
    // curtailed.
    let fossil_per_kw = per_kw[Source::Fossil as usize] / e.fossil.capacity_factor.max(1e-9);
    for (community, system) in &communities {
        let today = &mut energy[community.id as usize];
        if decided.allow_fossil(&params) && today.short > 0.0 {
            let room = system.capacity_kw[Source::Fossil as usize] * fossil_per_kw;
            let burn = today.short.min(room);
            today.generated[Source::Fossil as usize] = burn;
            today.available += burn;
            today.short -= burn;
        }
        today.curtailed = today.surplus;
    }
}

/// Installations a community is building, by source. Each request adds its kW, its hours
/// (`build_hours_per_kw`) and its materials (`build_materials_t_per_kw` of construction goods),
/// spread over `build_days`; the capacity is added only when every hour is worked and every tonne
/// delivered, so a build short of hands or materials takes longer.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct EnergyBuilds {
    /// Capacity under construction (kW).
    pub kw: [f64; N_SOURCES],
    /// Effective hours still to work (hours).
    pub hours_left: [f64; N_SOURCES],
    /// Construction goods still to deliver (t).
    pub materials_left: [f64; N_SOURCES],
    /// Hours posted a day at full pace (hours/day).
    pub hours_per_day: [f64; N_SOURCES],
    /// Construction goods taken a day at full pace (t/day).
    pub materials_per_day: [f64; N_SOURCES],
    /// Energy the community was short of since its last review (kWh), for the standing rule.
    pub shortage_kwh: f64,
    /// Worn-out capacity waiting to be rebuilt until the build of its source under way is
    /// finished (kW).
    pub worn_kw: [f64; N_SOURCES],
    /// Part of `kw` that replaces worn-out capacity (kW).
    pub replacing_kw: [f64; N_SOURCES],
}

impl EnergyBuilds {
    /// Starts building `kw` more of `source` (added to any build of it under way).
    pub fn request(&mut self, params: &EnergyParams, source: Source, kw: f64) {
        if !(kw > 0.0 && kw.is_finite()) {
            return;
        }
        let p = params.source(source);
        let i = source as usize;
        let days = p.build_days.max(1.0);
        // A regional syndicate builds larger installations, with fewer hours a kW.
        let hours_per_kw = p.build_hours_per_kw * params.labour_scale();
        self.kw[i] += kw;
        self.hours_left[i] += kw * hours_per_kw;
        self.materials_left[i] += kw * p.build_materials_t_per_kw;
        self.hours_per_day[i] += kw * hours_per_kw / days;
        self.materials_per_day[i] += kw * p.build_materials_t_per_kw / days;
    }

    /// Capacity under construction, all sources (kW).
    pub fn building_kw(&self) -> f64 {
        self.kw.iter().sum()
    }

    /// Capacity under construction that replaces worn-out installations, all sources (kW).
    pub fn replacing_kw(&self) -> f64 {
        self.replacing_kw.iter().sum()
    }
}

/// When a community's installations wear out. The capacity standing at the start has ages
/// spread evenly over its source's lifetime, so it wears out at an even pace until the lifetime
/// has passed; each finished build wears out whole a lifetime after it was finished.
#[derive(Component, Clone, Debug, Default)]
pub struct Vintages {
    /// Capacity standing at the start that wears out each day, by source (kW/day).
    initial_kw_per_day: [f64; N_SOURCES],
    /// Tick from which none of the capacity standing at the start is left, by source.
    initial_until: [u32; N_SOURCES],
    /// Finished builds still standing: (tick it is worn out, source index, kW), in the order
    /// they were finished.
    built: Vec<(u32, usize, f64)>,
}

impl Vintages {
    /// The vintages of a community's capacity at the start.
    pub fn new(params: &EnergyParams, system: &EnergySystem) -> Self {
        let mut v = Self::default();
        for source in Source::ALL {
            let i = source as usize;
            let days = params.lifetime_days(source);
            v.initial_until[i] = days.round().min(f64::from(u32::MAX)) as u32;
            v.initial_kw_per_day[i] = system.capacity_kw[i] / f64::from(v.initial_until[i].max(1));
        }
        v
    }

    /// Capacity that newcomers bring on `tick` (`influx` with `provisions`): each source's
    /// capacity and the storage grow by `factor` of what stands, the new capacity wearing out a
    /// lifetime later like a finished build.
    pub fn settle(
        &mut self,
        params: &EnergyParams,
        system: &mut EnergySystem,
        tick: u32,
        factor: f64,
    ) {
        for source in Source::ALL {
            let kw = system.capacity_kw[source as usize] * factor;
            if kw > 0.0 {
                system.capacity_kw[source as usize] += kw;
                self.add(params, source, tick, kw);
            }
        }
        system.storage_kwh *= 1.0 + factor;
        system.stored_kwh *= 1.0 + factor;
    }

    /// Splits off `share` of every vintage (the capacity standing at the start and each finished
    /// build) for a new community, keeping the rest: the two wear out together as this did.
    pub fn split_off(&mut self, share: f64) -> Vintages {
        let mut new = self.clone();
        for i in 0..N_SOURCES {
            new.initial_kw_per_day[i] = self.initial_kw_per_day[i] * share;
            self.initial_kw_per_day[i] -= new.initial_kw_per_day[i];
        }
        for (mine, theirs) in self.built.iter_mut().zip(new.built.iter_mut()) {
            theirs.2 = mine.2 * share;
            mine.2 -= theirs.2;
        }
        new
    }

    /// Capacity finished on `tick`, to wear out a lifetime later.
    fn add(&mut self, params: &EnergyParams, source: Source, tick: u32, kw: f64) {
        let until = (f64::from(tick) + params.lifetime_days(source))
            .round()
            .min(f64::from(u32::MAX)) as u32;
        self.built.push((until, source as usize, kw));
    }

    /// Capacity of source index `source` that will wear out on `tick` (kW), forgetting
    /// nothing: what stood at the start, then each finished build, in the order they were
    /// finished.
    fn due(&self, tick: u32, source: usize) -> f64 {
        let mut due = 0.0;
        if tick < self.initial_until[source] {
            due += self.initial_kw_per_day[source];
        }
        for &(until, i, kw) in &self.built {
            if until == tick && i == source {
                due += kw;
            }
        }
        due
    }

    /// Capacity wearing out on `tick`, by source (kW); the builds worn out are forgotten.
    fn wear(&mut self, tick: u32) -> [f64; N_SOURCES] {
        let mut worn = [0.0; N_SOURCES];
        for i in 0..N_SOURCES {
            if tick < self.initial_until[i] {
                worn[i] += self.initial_kw_per_day[i];
            }
        }
        self.built.retain(|&(until, i, kw)| {
            let gone = until <= tick;
            if gone {
                worn[i] += kw;
            }
            !gone
        });
        worn
    }
}

/// With `energy.wear` on, installations past their lifetime are retired, and each community
/// rebuilds, like for like, through the build path (`EnergyBuilds`): keeping its installations
/// in repair is the energy syndicate's standing work, not a new decision. Retirement dates are
/// known, so a replacement is started a build time (`build_days`) before the capacity it
/// replaces wears out (on the first day, for everything wearing out within a build time).
/// What falls due while a build of the same source is under way waits for it to finish.
/// Sources the scenario does not allow are not rebuilt.
pub fn wear_installations(
    clock: Res<Clock>,
    params: Res<Params>,
    decided: Res<Decided>,
    mut days: ResMut<Days<BuildDay>>,
    mut communities: Query<(
        &Community,
        &mut EnergySystem,
        &mut EnergyBuilds,
        &mut Vintages,
    )>,
) {
    let e = &params.energy;
    if !e.wear {
        return;
    }
    let tick = clock.tick;
    for (community, mut system, mut builds, mut vintages) in &mut communities {
        // What to start replacing today: what wears out a build time from now.
        let mut ahead = [0.0; N_SOURCES];
        for source in Source::ALL {
            let i = source as usize;
            let lead = e.source(source).build_days.max(0.0).ceil() as u32;
            let first = if tick == 0 { 0 } else { lead };
            for t in first..=lead {
                ahead[i] += vintages.due(tick.saturating_add(t), i);
            }
        }
        let worn = vintages.wear(tick);
        let mut retired = 0.0;
        for source in Source::ALL {
            let i = source as usize;
            // Capacity out of service after a failure cannot wear out twice.
            let kw = worn[i].min(system.capacity_kw[i].max(0.0));
            system.capacity_kw[i] -= kw;
            retired += kw;
            if !decided.allowed(&params, source) {
                continue;
            }
            builds.worn_kw[i] += ahead[i];
            if builds.worn_kw[i] > 0.0 && builds.kw[i] <= 0.0 {
                let kw = builds.worn_kw[i];
                builds.worn_kw[i] = 0.0;
                builds.request(e, source, kw);
                builds.replacing_kw[i] += kw;
            }
        }
        days[community.id as usize].retired_kw = retired;
    }
}

/// Asks community `community` to build `kw` of `source` (what an assembly's decision to build an
/// installation does). Returns false, and does nothing, if there is no such community.
pub fn request_build(world: &mut World, community: u32, source: Source, kw: f64) -> bool {
    let Some(&entity) = world
        .resource::<Directory>()
        .communities
        .get(community as usize)
    else {
        return false;
    };
    let params = world.resource::<Params>().energy.clone();
    match world.get_mut::<EnergyBuilds>(entity) {
        Some(mut builds) => {
            builds.request(&params, source, kw);
            true
        }
        None => false,
    }
}

/// The standing rule (`energy.expand_source`), then today's build hours and materials, for the
/// construction syndicate's plan.
pub fn plan_builds(
    clock: Res<Clock>,
    params: Res<Params>,
    decided: Res<Decided>,
    mut days: ResMut<Days<BuildDay>>,
    mut communities: Query<(&Community, &mut EnergyBuilds)>,
) {
    let e = &params.energy;
    let review = e.expand_review_days.max(1);
    // Where assemblies meet, building is their decision (`assembly::hold_assemblies`).
    let rule = Source::from_name(&e.expand_source)
        .filter(|s| decided.allowed(&params, *s))
        .filter(|_| !params.assembly.enabled);
    let review_day = clock.tick > 0 && clock.tick.is_multiple_of(review);
    for (community, mut builds) in &mut communities {
        if review_day && rule.is_some() {
            if let Some(source) = rule {
                // Enough capacity to have covered the shortage at the source's mean output.
                let per_kw = f64::from(review) * 24.0 * e.source(source).capacity_factor;
                // Less what is already being built of it.
                let kw = builds.shortage_kwh / per_kw - builds.kw[source as usize];
                if kw > 0.0 {
                    builds.request(e, source, kw);
                }
            }
            builds.shortage_kwh = 0.0;
        }
        let day = &mut days[community.id as usize];
        day.build_hours = 0.0;
        day.build_materials_t = 0.0;
        for i in 0..N_SOURCES {
            if builds.kw[i] > 0.0 {
                day.build_hours += builds.hours_per_day[i].min(builds.hours_left[i]);
                day.build_materials_t += builds.materials_per_day[i].min(builds.materials_left[i]);
            }
        }
    }
}

/// Builds go on as far as the construction syndicate's hours and stock of construction goods
/// allow; finished installations add their capacity. Also counts each community's energy
/// shortage for the standing rule.
pub fn build_installations(
    clock: Res<Clock>,
    params: Res<Params>,
    labour: Res<Days<LabourDay>>,
    goods: Res<Days<GoodsDay>>,
    mut days: ResMut<Days<BuildDay>>,
    mut communities: Query<(
        &Community,
        &mut EnergyBuilds,
        &mut EnergySystem,
        &mut Stocks,
        &mut Vintages,
    )>,
) {
    let s = Sector::Making(Good::Construction).index();
    let c_good = Good::Construction.index();
    let e = Good::Energy.index();
    for (community, mut builds, mut system, mut stock, mut vintages) in &mut communities {
        let id = community.id as usize;
        let (day, made, work) = (&mut days[id], &goods[id], &labour[id]);
        builds.shortage_kwh += (made.planned[e] - made.made[e]).max(0.0);
        let staffed = if work.posted[s] > 0.0 {
            ((work.posted[s] - work.unfilled[s]) / work.posted[s]).clamp(0.0, 1.0)
        } else {
            1.0
        };
        for i in 0..N_SOURCES {
            if builds.kw[i] <= 0.0 {
                continue;
            }
            let hours = builds.hours_per_day[i].min(builds.hours_left[i]) * staffed;
            builds.hours_left[i] -= hours;
            day.build_hours_done += hours;
            let taken = builds.materials_per_day[i]
                .min(builds.materials_left[i])
                .min(stock.0[c_good].max(0.0));
            stock.0[c_good] -= taken;
            builds.materials_left[i] -= taken;
            day.build_materials_used_t += taken;
            // Hours are filled in single precision, so a build is done when less than a
            // ten-thousandth of a day's work and materials is left.
            let hours_done = builds.hours_left[i] <= 1e-4 * builds.hours_per_day[i];
            let materials_in = builds.materials_left[i] <= 1e-4 * builds.materials_per_day[i];
            if hours_done && materials_in {
                system.capacity_kw[i] += builds.kw[i];
                day.built_kw += builds.kw[i];
                vintages.add(&params.energy, Source::ALL[i], clock.tick, builds.kw[i]);
                builds.kw[i] = 0.0;
                builds.replacing_kw[i] = 0.0;
                builds.hours_left[i] = 0.0;
                builds.materials_left[i] = 0.0;
                builds.hours_per_day[i] = 0.0;
                builds.materials_per_day[i] = 0.0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::params::energy::SourceParams;

    fn uses() -> [f64; N_GOODS] {
        let mut u = [0.0; N_GOODS];
        u[Good::Devices.index()] = 10.0;
        u[Good::Construction.index()] = 20.0;
        u[Good::Learning.index()] = 30.0;
        u
    }

    #[test]
    fn users_are_cut_in_the_order_given_and_the_rest_in_proportion() {
        use EnergyUser::*;
        let order = [Sector(Good::Devices), Sector(Good::Construction), Homes];
        // 100 kWh wanted, 85 there: devices lose their 10, construction 5 of its 20.
        let (homes, left) = curtail(&order, 40.0, &uses(), 85.0);
        assert_eq!(homes, 40.0);
        assert_eq!(left[Good::Devices.index()], 0.0);
        assert_eq!(left[Good::Construction.index()], 15.0);
        assert_eq!(left[Good::Learning.index()], 30.0);
        // 100 wanted, 20 there: devices, construction and then 40 of homes go; learning, not
        // named, loses the last 10 of the 80 kWh deficit.
        let (homes, left) = curtail(&order, 40.0, &uses(), 20.0);
        assert_eq!(homes, 0.0);
        assert_eq!(left[Good::Construction.index()], 0.0);
        assert!((left[Good::Learning.index()] - 20.0).abs() < 1e-12);
        // Unnamed users share what is left in proportion: homes 40 and learning 30 of 70 keep
        // 49 kWh between them after devices and construction are cut.
        let (homes, left) = curtail(&order[..2], 40.0, &uses(), 49.0);
        assert!((homes - 28.0).abs() < 1e-12);
        assert!((left[Good::Learning.index()] - 21.0).abs() < 1e-12);
        // Enough energy: nobody is cut.
        let (homes, left) = curtail(&order, 40.0, &uses(), 100.0);
        assert_eq!((homes, left), (40.0, uses()));
    }

    #[test]
    fn a_source_table_keeps_the_defaults_of_the_keys_it_leaves_out() {
        let e: EnergyParams = toml::from_str("[solar]\nkw_per_person = 2.0\n").unwrap();
        let d = EnergyParams::default();
        assert_eq!(e.solar.kw_per_person, 2.0);
        assert_eq!(
            e.solar,
            SourceParams {
                kw_per_person: 2.0,
                ..d.solar.clone()
            }
        );
        assert_eq!(e.solar.seasonal_amplitude, 0.4);
        assert_eq!(e.wind, d.wind);
    }

    #[test]
    fn a_build_adds_capacity_only_when_its_hours_and_materials_are_in() {
        let params = EnergyParams::default();
        let mut builds = EnergyBuilds::default();
        builds.request(&params, Source::Wind, 100.0);
        let w = Source::Wind as usize;
        assert_eq!(builds.kw[w], 100.0);
        assert!((builds.hours_left[w] - 100.0 * params.wind.build_hours_per_kw).abs() < 1e-9);
        assert!(
            (builds.hours_per_day[w] * params.wind.build_days - builds.hours_left[w]).abs() < 1e-9
        );
        builds.request(&params, Source::Wind, f64::NAN);
        builds.request(&params, Source::Wind, -5.0);
        assert_eq!(builds.building_kw(), 100.0);
    }
}

#[cfg(test)]
mod build_tests;

#[cfg(test)]
mod energy_tests;

#[cfg(test)]
mod curtailment_tests;
