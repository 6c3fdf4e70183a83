//! Wants (`economy.wants_cv`, `economy.optional_goods`): persons differ in what they want.
//!
//! Each person is made (at the start, at birth, on arrival) with a [`Wants`]: per good but
//! housing, a factor on their need, lognormal with mean 1 and coefficient of variation
//! `wants_cv`, and, for an optional good, whether they want it at all (with the good's share),
//! a factor of 0 when not. The draws come from a stream of their own per person
//! ([`Purpose::Wants`], indexed by the person's serial number, counted in the order persons are
//! made), so that no other draw shifts. Each day [`sum_wants`] adds up the members' need times
//! their want factor into [`PeopleDay::wanted`]: what the community requests of its syndicates
//! (`syndicates::economy::plan_goods`). Only scenarios with wants carry the component or run the
//! sum.

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::model::kernel::chunks::{community_chunks, each_piece, split_by};
use crate::model::kernel::components::{AgeClass, Member, Person, Wants};
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::ledger::{Days, PeopleDay};
use crate::model::kernel::params::Params;
use crate::model::kernel::rng::{Purpose, standard_normal, stream};

/// The next person's serial number for their wants' stream, and the run's seed.
#[derive(Resource, Clone, Copy, Debug)]
pub struct WantSerial {
    pub seed: u64,
    pub next: u64,
}

impl WantSerial {
    /// The wants of the next person made.
    pub fn draw(&mut self, params: &Params) -> Wants {
        let wants = draw_wants(params, self.seed, self.next);
        self.next += 1;
        wants
    }
}

/// The wants of person number `serial` under `seed`: per good but housing, a uniform draw that
/// decides whether they want an optional good and a normal draw behind their lognormal factor
/// (both drawn for every good, so a share or a cv changes no other good's draws).
pub fn draw_wants(params: &Params, seed: u64, serial: u64) -> Wants {
    let p = &params.economy;
    let mut rng = stream(seed, Purpose::Wants, serial);
    // A lognormal with mean 1 and coefficient of variation cv: sigma^2 = ln(1 + cv^2),
    // mu = -sigma^2 / 2.
    let sigma = (1.0 + p.wants_cv * p.wants_cv).ln().sqrt();
    let mut factor = [1.0f32; N_GOODS];
    for good in Good::ALL.iter().filter(|g| **g != Good::Housing) {
        let u: f64 = rng.random();
        let z = standard_normal(&mut rng);
        let wants = u < p.wanted_share(good.name());
        factor[good.index()] = if !wants {
            0.0
        } else if sigma > 0.0 {
            (sigma * z - sigma * sigma / 2.0).exp() as f32
        } else {
            1.0
        };
    }
    Wants { factor }
}

/// What `person` needs of each good (units/day): their age class's need, plus the extra need of
/// the ill (the per-person form of `GoodsParams::final_need`).
pub fn own_need(params: &Params, person: &Person) -> [f64; N_GOODS] {
    std::array::from_fn(|g| {
        let p = params.goods.get(Good::ALL[g]);
        (match person.age {
            AgeClass::Child => p.need_child,
            AgeClass::Adult => p.need_adult,
            AgeClass::Elder => p.need_elder,
        }) + if person.has_priority() {
            p.need_ill_extra
        } else {
            0.0
        }
    })
}

/// Sums each community's members' need times their want factor into [`PeopleDay::wanted`]
/// (after `assess_needs`; nothing without wants). In parallel over whole communities, each in
/// table order, so the sums are the same on any number of threads.
pub fn sum_wants(
    params: Res<Params>,
    mut census: ResMut<Days<PeopleDay>>,
    persons: Query<(&Member, &Person, &Wants)>,
) {
    if !params.economy.wants() {
        return;
    }
    let n = census.len();
    // Each kind of person's need (age class, ill or not), computed once.
    let needs: [[f64; N_GOODS]; 6] = std::array::from_fn(|k| {
        let age = [AgeClass::Child, AgeClass::Adult, AgeClass::Elder][k / 2];
        let mut person = Person::well(age);
        if k % 2 == 1 {
            person.health = crate::model::kernel::components::HealthState::Ill;
        }
        own_need(&params, &person)
    });
    let Ok(tables) = persons.contiguous_iter() else {
        unreachable!("a query of components is always dense");
    };
    for (members, people, wants) in tables {
        let (ranges, spans) = community_chunks(members, n);
        let days = split_by(&mut census.0, &spans);
        let pieces: Vec<_> = ranges.into_iter().zip(spans).zip(days).collect();
        each_piece(pieces, |((range, span), days)| {
            for i in range {
                let c = members[i].0 as usize - span.start;
                let person = &people[i];
                let need = &needs[person.age as usize * 2 + usize::from(person.has_priority())];
                let wanted = &mut days[c].wanted;
                for g in 0..N_GOODS {
                    wanted[g] += need[g] * f64::from(wants[i].factor[g]);
                }
            }
        });
    }
}
