//! Dwellings: each community's housing stock, which wears out and is built again.
//!
//! The `housing` good is the upkeep of the floor area people need (m2 kept in repair); it can be
//! delivered only for floor area that exists. Each community starts with `m2_per_person` for
//! each member. Every day `1 / (life_years × 365)` of the stock wears out. When the stock and
//! what is being built fall short of the floor area needed plus `vacancy_share` (room for
//! newcomers and moves) plus what wears while a m2 is built, the community starts building the
//! gap: `build_hours_per_m2` hours and `build_materials_t_per_m2` t of construction goods a m2.
//! Each day the construction syndicate is asked for `1 / build_days` of the work still to do
//! (so a m2 takes `build_days` on average, and a steady stream of replacements is built as fast
//! as it wears), and floor area is finished in proportion to the work and materials put in,
//! whichever is further behind.
//!
//! Newcomers taken in by an assembly (`population.influx = "decided"`) are given their floor
//! area and installations on arrival; the hours of building them (`kernel::newcomers::Settling`)
//! are posted here to the construction syndicate, a year's share a day, with no materials (the
//! members' vote weighed only the hours), and worked off as far as the syndicate is staffed.

use bevy_ecs::prelude::*;

use crate::model::kernel::components::{Community, Stocks};
use crate::model::kernel::goods::Good;
use crate::model::kernel::ledger::{BuildDay, Days, LabourDay, PeopleDay};
use crate::model::kernel::newcomers::Settling;
use crate::model::kernel::params::dwellings::DwellingParams;
use crate::model::kernel::params::{Params, Sector};

/// A community's dwellings and the floor area being built.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Dwellings {
    /// Floor area standing (m2).
    pub m2: f64,
    /// Floor area under construction (m2).
    pub building_m2: f64,
    /// Effective hours and construction goods (t) the floor area under construction still needs.
    pub hours_left: f64,
    pub materials_left: f64,
}

impl Dwellings {
    /// Starts building `m2` more floor area.
    pub fn request(&mut self, params: &DwellingParams, m2: f64) {
        if !(m2 > 0.0 && m2.is_finite()) {
            return;
        }
        self.building_m2 += m2;
        self.hours_left += m2 * params.build_hours_per_m2;
        self.materials_left += m2 * params.build_materials_t_per_m2;
    }
}

/// Dwellings wear; a gap between the floor area needed and what stands or is being built starts
/// a build; today's building hours and materials join the construction syndicate's plan.
pub fn plan_dwellings(
    params: Res<Params>,
    people: Res<Days<PeopleDay>>,
    settling: Res<Settling>,
    mut builds: ResMut<Days<BuildDay>>,
    mut communities: Query<(&Community, &mut Dwellings)>,
) {
    let p = &params.dwellings;
    let wear = 1.0 / (p.life_years.max(1.0) * 365.0);
    let pace = 1.0 / p.build_days.max(1.0);
    for (community, mut d) in &mut communities {
        let day = &mut builds[community.id as usize];
        let settle = settling.today(community.id as usize);
        if settle > 0.0 {
            day.build_hours += settle;
            day.settling_hours = settle;
        }
        let worn = d.m2 * wear;
        d.m2 -= worn;
        let needed = params
            .goods
            .get(Good::Housing)
            .need(&people[community.id as usize].headcount);
        let target = needed * (1.0 + p.vacancy_share + p.build_days.max(1.0) * wear);
        let gap = target - d.m2 - d.building_m2;
        if gap > 0.0 {
            d.request(p, gap);
        }
        if d.building_m2 > 0.0 {
            let hours = d.hours_left * pace;
            let materials = d.materials_left * pace;
            day.build_hours += hours;
            day.build_materials_t += materials;
            day.dwelling_hours = hours;
            day.dwelling_materials_t = materials;
        }
    }
}

/// Building goes on as far as the construction syndicate's hours and the construction goods in
/// store allow; floor area is finished in proportion.
pub fn build_dwellings(
    labour: Res<Days<LabourDay>>,
    mut settling: ResMut<Settling>,
    mut builds: ResMut<Days<BuildDay>>,
    mut communities: Query<(&Community, &mut Dwellings, &mut Stocks)>,
) {
    let s = Sector::Making(Good::Construction).index();
    let c_good = Good::Construction.index();
    for (community, mut d, mut stock) in &mut communities {
        let day = &mut builds[community.id as usize];
        let work = &labour[community.id as usize];
        let staffed = if work.posted[s] > 0.0 {
            ((work.posted[s] - work.unfilled[s]) / work.posted[s]).clamp(0.0, 1.0)
        } else {
            1.0
        };
        if day.settling_hours > 0.0 {
            let done = day.settling_hours * staffed;
            day.settling_hours_done = done;
            settling.worked(community.id as usize, done);
        }
        if d.building_m2 <= 0.0 {
            continue;
        }
        let hours = day.dwelling_hours * staffed;
        let materials = day.dwelling_materials_t.min(stock.0[c_good].max(0.0));
        let by_hours = if d.hours_left > 0.0 {
            hours / d.hours_left
        } else {
            1.0
        };
        let by_materials = if d.materials_left > 0.0 {
            materials / d.materials_left
        } else {
            1.0
        };
        let f = by_hours.min(by_materials).clamp(0.0, 1.0);
        let built = d.building_m2 * f;
        let used = d.materials_left * f;
        stock.0[c_good] -= used;
        day.dwelling_materials_used_t = used;
        day.dwelling_hours_done = hours;
        day.dwelling_built_m2 = built;
        d.m2 += built;
        d.building_m2 -= built;
        d.hours_left -= d.hours_left * f;
        d.materials_left -= used;
    }
}

#[cfg(test)]
mod dwelling_tests;
