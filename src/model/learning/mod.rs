//! Learning beyond the community learning centres: regional training centres, where adults
//! train and their skill rises, and research communities, whose research raises the world's
//! technology level and so lowers the labour a unit of each good takes. Both are off by default.
//!
//! - Training: each day each able adult trains with probability `training_share` (drawn from
//!   the community's own training stream), for `training_hours_per_day` of their willing hours,
//!   at the training centre of their region (its first community), travelling by rail if it is
//!   another community. They train in the sector where `appeal x (1 - skill)` is highest (what
//!   they like and are weakest at); each hour closes `skill_gain_per_hour` of the gap between
//!   their skill and 1. Skills do not decay. The centre's facilitators are the learning syndicate
//!   of the centre's community, at the learning sector's hours per learner-hour.
//! - Research: able adults and elders of the `research_communities` give `research_share` of
//!   their willing hours to research. Research hours accumulate; the technology level is
//!   `(1 + hours / research_hours_scale) ^ research_elasticity`, at most `max_technology`, and
//!   the goods syndicates' labour per unit is divided by it.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::kernel::components::{Member, Person, Vocation, Work};
use crate::model::kernel::goods::Good;
use crate::model::kernel::ledger::{Days, LabourDay, LearningDay};
use crate::model::kernel::params::learning::LearningParams;
use crate::model::kernel::params::{N_SECTORS, Params, Sector};
use crate::model::kernel::regions::Regions;
use crate::model::kernel::rng::{Purpose, stream};
use crate::model::rail::network::RailNetwork;

/// The world's research and technology, and the training streams.
#[derive(Resource)]
pub struct Knowledge {
    /// Research hours done so far (hours).
    pub research_hours: f64,
    /// Technology level: labour per unit is divided by it (ratio, at least 1).
    pub level: f64,
    /// Each community's training draws.
    rngs: Vec<ChaCha8Rng>,
    /// Some person's training or research hours are set (to be cleared if both are turned off).
    set: bool,
}

impl Knowledge {
    pub fn new(seed: u64, communities: u32) -> Self {
        Self {
            research_hours: 0.0,
            level: 1.0,
            rngs: (0..communities)
                .map(|c| stream(seed, Purpose::Training, u64::from(c)))
                .collect(),
            set: false,
        }
    }
}

/// The technology level reached after `hours` of research.
pub fn technology_level(lp: &LearningParams, hours: f64) -> f64 {
    (1.0 + hours.max(0.0) / lp.research_hours_scale)
        .powf(lp.research_elasticity)
        .clamp(1.0, lp.max_technology.max(1.0))
}

/// The sector a person trains in: the one they like and are weakest at.
fn training_sector(vocation: &Vocation) -> usize {
    let mut best = 0;
    let mut best_score = f32::MIN;
    for s in 0..N_SECTORS {
        let score = vocation.appeal.get(s) * (1.0 - vocation.skill[s]);
        if score > best_score {
            best = s;
            best_score = score;
        }
    }
    best
}

/// Picks today's trainees, raises their skill and books their travel and the centres'
/// facilitators; sets research communities' research hours and moves the technology level on.
/// Runs in the Plan phase, after the goods plan and before volunteering, which leaves these
/// hours out of what each person offers. Persons are visited in table order, one community's
/// draws from its own stream, so the results do not depend on threads.
pub fn study(
    params: Res<Params>,
    network: Res<RailNetwork>,
    regions: Res<Regions>,
    mut knowledge: ResMut<Knowledge>,
    mut days: ResMut<Days<LearningDay>>,
    mut labour: ResMut<Days<LabourDay>>,
    mut persons: Query<(&Member, &mut Person, &mut Vocation, &mut Work)>,
) {
    let lp = &params.learning;
    if !lp.training && !lp.research {
        if knowledge.set {
            for (.., mut work) in &mut persons {
                work.training = 0.0;
                work.research = 0.0;
            }
            knowledge.set = false;
        }
        return;
    }
    knowledge.set = true;
    let n = days.len();
    let mut researching = vec![false; n];
    if lp.research {
        for &c in &lp.research_communities {
            if let Some(r) = researching.get_mut(c as usize) {
                *r = true;
            }
        }
    }
    let hours = lp.training_hours_per_day as f32;
    let gain = lp.skill_gain_per_hour as f32;
    let share = lp.research_share as f32;
    let learning = Sector::Making(Good::Learning).index();
    let per_learner = params.goods.learning.labour_hours_per_unit;
    let knowledge = &mut *knowledge;
    for (member, mut person, mut vocation, mut work) in &mut persons {
        let c = member.0 as usize;
        work.training = 0.0;
        work.research = 0.0;
        if lp.training && person.is_able_adult() && vocation.willing > 0.0 {
            let draw: f64 = knowledge.rngs[c].random();
            let r = regions.of(c);
            let centre = regions.members(r).start;
            let km = network
                .distance
                .get(r)
                .and_then(|d| d.get(c - centre))
                .and_then(|d| d.first())
                .copied()
                .unwrap_or(f64::INFINITY);
            if draw < lp.training_share && km.is_finite() {
                let h = hours.min(vocation.willing);
                let s = training_sector(&vocation);
                let skill = &mut vocation.skill[s];
                *skill += (1.0 - *skill) * (gain * h).min(1.0);
                person.skill_total = vocation.skill_total();
                work.training = h;
                let day = &mut days[c];
                day.training_hours += f64::from(h);
                day.training_passenger_km += 2.0 * km;
                let staff = f64::from(h) * per_learner;
                days[centre].training_staff_hours += staff;
                labour[centre].posted[learning] += staff;
                labour[centre].unfilled[learning] += staff;
            }
        }
        if researching[c] && person.can_work() {
            let h = (vocation.willing - work.training).max(0.0) * share;
            work.research = h;
            days[c].research_hours += f64::from(h);
        }
    }
    let today: f64 = days.iter().map(|d| d.research_hours).sum();
    knowledge.research_hours += today;
    // What research found is kept if research stops.
    knowledge.level = technology_level(lp, knowledge.research_hours);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::components::Appeal;

    #[test]
    fn technology_rises_with_research_and_is_bounded() {
        let lp = LearningParams::default();
        assert_eq!(technology_level(&lp, 0.0), 1.0);
        let a = technology_level(&lp, 1e5);
        let b = technology_level(&lp, 1e6);
        assert!(1.0 < a && a < b, "{a} {b}");
        assert!((b - 2f64.powf(0.1)).abs() < 1e-12);
        assert_eq!(technology_level(&lp, 1e30), lp.max_technology);
    }

    #[test]
    fn trainees_pick_what_they_like_and_lack() {
        let mut v = Vocation {
            willing: 4.0,
            skill: [0.9; N_SECTORS],
            appeal: Appeal::uniform(0.5),
        };
        v.skill[3] = 0.5;
        assert_eq!(training_sector(&v), 3);
        v.appeal.set(5, 1.0);
        v.skill[5] = 0.6;
        assert_eq!(training_sector(&v), 5);
    }
}
