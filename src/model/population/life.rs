//! Life: illness and recovery.

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::model::kernel::chunks::{community_chunks, each_piece, split_by};
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
    let mean_days = params.health.mean_illness_days;
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
        let pieces: Vec<_> = ranges
            .into_iter()
            .zip(spans)
            .zip(streams)
            .zip(people)
            .collect();
        each_piece(pieces, |(((range, span), streams), people)| {
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
                            person.health = HealthState::Ill;
                            person.sick_days = illness_days(rng, mean_days);
                        }
                    }
                }
            }
        });
    }
}

/// The length of an illness starting today (days, at least 1): geometric on 1, 2, ... with mean
/// `mean_days` (at least 1), that is, a daily recovery chance of 1 / `mean_days`. The one rule
/// for every illness, whether a person falls ill on an ordinary day or in an illness wave.
pub fn illness_days(rng: &mut impl RngExt, mean_days: f64) -> u16 {
    let ln_stay = (1.0 - 1.0 / mean_days.max(1.0)).ln();
    let days = if ln_stay.is_finite() {
        let u: f64 = 1.0 - rng.random::<f64>();
        1.0 + (u.ln() / ln_stay).floor()
    } else {
        1.0
    };
    days.clamp(1.0, f64::from(u16::MAX)) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::rng::{Purpose, stream};

    #[test]
    fn illness_lengths_are_geometric_with_the_given_mean() {
        let mut rng = stream(7, Purpose::Daily, 0);
        let n = 200_000;
        let draws: Vec<u16> = (0..n).map(|_| illness_days(&mut rng, 5.0)).collect();
        let mean = draws.iter().map(|&d| f64::from(d)).sum::<f64>() / n as f64;
        // Standard error of the mean: sqrt(m (m - 1)) / sqrt(n) = 0.01; allow 5 of them.
        assert!((mean - 5.0).abs() < 0.05, "mean {mean}");
        assert_eq!(draws.iter().min(), Some(&1));
        // P(length = 1) = 1/m for a geometric length.
        let ones = draws.iter().filter(|&&d| d == 1).count() as f64 / n as f64;
        assert!((ones - 0.2).abs() < 0.005, "P(1) = {ones}");
        // A mean of one day or less is one day, always.
        assert_eq!(illness_days(&mut rng, 1.0), 1);
        assert_eq!(illness_days(&mut rng, 0.5), 1);
    }
}
