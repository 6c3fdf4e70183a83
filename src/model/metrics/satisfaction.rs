//! Need satisfaction: the one definition used for a person, a community and the world.
//!
//! Need satisfaction is the mean, over food and every other good that is needed, of the share of
//! the need that was delivered, each share capped at 1: a surplus of one good does not make up
//! for a shortage of another, and more than the need is not "more satisfied". Food always counts,
//! as one good, and scores 1 when no food is needed; a good that nobody needs is left out.

/// Shares of need delivered, added one good at a time.
#[derive(Clone, Copy, Debug)]
pub struct Satisfaction {
    sum: f64,
    counted: f64,
}

impl Satisfaction {
    /// Starts from food: `eaten` of `needed` kg (1 when nothing was needed).
    pub fn of_food(eaten: f64, needed: f64) -> Self {
        Self::of_food_share(if needed > 0.0 { eaten / needed } else { 1.0 })
    }

    /// Starts from food, given as the share of the need delivered.
    pub fn of_food_share(share: f64) -> Self {
        Satisfaction {
            sum: share.min(1.0),
            counted: 1.0,
        }
    }

    /// Adds a good of which `delivered` of `needed` units were delivered, if any was needed,
    /// and returns its share (capped at 1).
    pub fn add(&mut self, delivered: f64, needed: f64) -> Option<f64> {
        if needed > 0.0 {
            let share = (delivered / needed).min(1.0);
            self.sum += share;
            self.counted += 1.0;
            Some(share)
        } else {
            None
        }
    }

    /// The mean share (0..1).
    pub fn mean(&self) -> f64 {
        self.sum / self.counted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_capped_goods_not_needed_left_out_and_food_always_counts() {
        let mut s = Satisfaction::of_food(9.0, 10.0);
        assert_eq!(s.add(3.0, 2.0), Some(1.0));
        assert_eq!(s.add(1.0, 4.0), Some(0.25));
        assert_eq!(s.add(5.0, 0.0), None);
        assert!((s.mean() - (0.9 + 1.0 + 0.25) / 3.0).abs() < 1e-12);
        assert_eq!(Satisfaction::of_food(0.0, 0.0).mean(), 1.0);
        assert_eq!(Satisfaction::of_food(12.0, 10.0).mean(), 1.0);
    }
}

#[cfg(test)]
mod one_definition {
    use crate::model::{Params, Simulation};

    /// A world of one community: the world's need satisfaction and the community's are the same
    /// figure every day, shortages included.
    #[test]
    fn the_world_and_its_only_community_agree() {
        let mut p = Params::default();
        p.population.communities = 1;
        p.population.communities_per_region = 1;
        p.population.persons_per_community = 60;
        // Too few hands, so that some goods go short.
        p.labour.willing_hours_mean = 1.0;
        let mut sim = Simulation::new(p, 3);
        let mut rows = Vec::new();
        let mut short = 0;
        for _ in 0..60 {
            let m = sim.step();
            rows.clear();
            sim.community_metrics(&mut rows);
            assert_eq!(rows.len(), 1);
            assert!(
                (m.need_satisfaction - rows[0].need_satisfaction).abs() < 1e-12,
                "day {}: world {} community {}",
                m.tick,
                m.need_satisfaction,
                rows[0].need_satisfaction
            );
            short += usize::from(m.need_satisfaction < 0.999);
        }
        assert!(short > 0, "no shortage: the test exercises nothing");
    }
}
