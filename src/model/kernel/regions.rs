//! Which communities form each region. Communities are numbered region by region, so a region is
//! a run of consecutive ids; this is the one place that says how, and every mechanism asks it
//! rather than dividing ids itself.

use std::ops::Range;

use bevy_ecs::prelude::Resource;

use crate::model::kernel::params::Params;

/// The regions' membership, built once from the scenario and kept as a resource.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Regions {
    communities: usize,
    per_region: usize,
}

impl Regions {
    /// `communities` communities in regions of `per_region` (the last may be smaller).
    pub fn new(communities: u32, per_region: u32) -> Self {
        Regions {
            communities: communities as usize,
            per_region: per_region.max(1) as usize,
        }
    }

    /// The scenario's regions.
    pub fn of_params(params: &Params) -> Self {
        Regions::new(
            params.population.communities,
            params.population.communities_per_region,
        )
    }

    /// How many regions there are.
    pub fn count(&self) -> usize {
        self.communities.div_ceil(self.per_region)
    }

    /// The region of community `c`.
    pub fn of(&self, c: usize) -> usize {
        c / self.per_region
    }

    /// Community `c`'s place within its region, from 0.
    pub fn rank(&self, c: usize) -> usize {
        c % self.per_region
    }

    /// The communities of region `r`.
    pub fn members(&self, r: usize) -> Range<usize> {
        let start = r * self.per_region;
        start..(start + self.per_region).min(self.communities)
    }

    /// Every region's communities, in region order.
    pub fn all(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        (0..self.count()).map(|r| self.members(r))
    }
}

/// Which communities are urban (`population.urban`), by id; the others are rural. Built once
/// from the scenario and kept as a resource.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct Urban(pub Vec<bool>);

impl Urban {
    /// The scenario's urban communities.
    pub fn of_params(params: &Params) -> Self {
        let mut urban = vec![false; params.population.communities as usize];
        for &c in &params.population.urban {
            if let Some(u) = urban.get_mut(c as usize) {
                *u = true;
            }
        }
        Urban(urban)
    }

    /// Whether community `c` is urban.
    pub fn is(&self, c: usize) -> bool {
        self.0.get(c).copied().unwrap_or(false)
    }

    /// Whether any community is.
    pub fn any(&self) -> bool {
        self.0.iter().any(|&u| u)
    }
}

/// Which communities are settled. A community of size 0 at the start (`population.sizes` or a
/// `population.file`) is a site: a place set aside in its region for a new community, inert (no
/// members, land, installations, stores, syndicates' work, assemblies or rail link) until a
/// community of its region splits and founds it. Built once from the scenario by
/// `population::setup::populate`; a split marks the site settled and records the day.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Whether each community is settled (lived in), by id.
    pub settled: Vec<bool>,
    /// The day each site was founded, by id (`None` for communities settled from the start and
    /// for sites still free).
    pub founded: Vec<Option<u32>>,
    /// Splits passed and not yet carried out: (founding community, site), founded at the start
    /// of the next day.
    pub pending: Vec<(u32, u32)>,
    /// The run's seed, for the foundings' draws (`Purpose::Split`).
    pub seed: u64,
}

impl Settled {
    /// `sizes[c] > 0` is settled; the others are sites.
    pub fn of_sizes(sizes: &[u32], seed: u64) -> Self {
        Settled {
            settled: sizes.iter().map(|&n| n > 0).collect(),
            founded: vec![None; sizes.len()],
            pending: Vec::new(),
            seed,
        }
    }

    /// Whether community `c` is settled (communities beyond the list are).
    pub fn is(&self, c: usize) -> bool {
        self.settled.get(c).copied().unwrap_or(true)
    }

    /// Whether any community is a site still free (nothing changes for worlds without one).
    pub fn any_site(&self) -> bool {
        self.settled.iter().any(|&s| !s)
    }

    /// How many communities are settled.
    pub fn count(&self) -> usize {
        self.settled.iter().filter(|&&s| s).count()
    }

    /// Whether `c` is a site still free: not settled, and no split passed for it.
    pub fn free(&self, c: usize) -> bool {
        !self.is(c) && !self.pending.iter().any(|&(_, s)| s as usize == c)
    }

    /// The free site of `members` (a region's communities) nearest to community `c` by id (ids
    /// run through a region in order), the lower id on a tie.
    pub fn nearest_free(&self, members: Range<usize>, c: usize) -> Option<usize> {
        members
            .filter(|&s| self.free(s))
            .min_by_key(|&s| (s.abs_diff(c), s))
    }

    /// Records that `founder` will found `site` at the start of the next day, if it is still
    /// free; returns whether it was.
    pub fn reserve(&mut self, founder: usize, site: usize) -> bool {
        let free = self.free(site);
        if free {
            self.pending.push((founder as u32, site as u32));
        }
        free
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_tile_the_communities_in_order() {
        let r = Regions::new(7, 3);
        assert_eq!(r.count(), 3);
        assert_eq!(r.all().collect::<Vec<_>>(), vec![0..3, 3..6, 6..7]);
        assert_eq!((r.of(4), r.rank(4)), (1, 1));
        assert_eq!(Regions::new(5, 0).count(), 5);
    }
}
