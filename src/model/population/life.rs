//! Life: illness and recovery.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rayon::prelude::*;

use crate::model::kernel::chunks::{community_chunks, split_by};
use crate::model::kernel::components::{HealthState, Member, Person};
use crate::model::kernel::params::Params;
use crate::model::kernel::rng::CommunityRngs;

/// Each well person may fall ill; each ill person is a day closer to recovery. Illness lengths are
/// geometric with the scenario's mean, drawn when the illness starts.
pub fn update_health(
    params: Res<Params>,
    mut rngs: ResMut<CommunityRngs>,
    mut persons: Query<(&Member, &mut Person)>,
) {
    let p_ill = params.health.daily_illness_probability;
    let mean_days = params.health.mean_illness_days.max(1.0);
    // For a geometric length on 1, 2, ... with mean m, the daily recovery chance is 1/m.
    let ln_stay = (1.0 - 1.0 / mean_days).ln();
    let n = rngs.0.len();
    let Ok(tables) = persons.contiguous_iter_mut() else {
        unreachable!("a query of components is always dense");
    };
    for (members, mut people) in tables {
        let people = people.bypass_change_detection();
        // In parallel over whole communities: each draws only from its own streams.
        let (ranges, spans) = community_chunks(members, n);
        let streams = split_by(&mut rngs.0, &spans);
        let people = split_by(people, &ranges);
        ranges
            .into_par_iter()
            .zip(spans)
            .zip(streams)
            .zip(people)
            .for_each(|(((range, span), streams), people)| {
                for (i, person) in range.zip(people.iter_mut()) {
                    let rng = &mut streams[members[i].0 as usize - span.start];
                    match person.health {
                        HealthState::Incapacitated => {}
                        HealthState::Ill => {
                            person.sick_days = person.sick_days.saturating_sub(1);
                            if person.sick_days == 0 {
                                person.health = HealthState::Well;
                            }
                        }
                        HealthState::Well => {
                            if p_ill > 0.0 && rng.random::<f64>() < p_ill {
                                let days = if ln_stay.is_finite() {
                                    let u: f64 = 1.0 - rng.random::<f64>();
                                    1.0 + (u.ln() / ln_stay).floor()
                                } else {
                                    1.0
                                };
                                person.health = HealthState::Ill;
                                person.sick_days = days.clamp(1.0, f64::from(u16::MAX)) as u16;
                            }
                        }
                    }
                }
            });
    }
}
