//! The global assembly's syndicates: device making and the data network.
//!
//! The essay gives the world's assembly its own syndicates for what every community needs but
//! few can make well: the devices people communicate with and the data network they use. Under
//! `global.devices = "global"` the world sets the device target (the world's need plus its
//! reserve, less the world's stocks and what guilds offered), and the work is done in designated
//! device-making communities (the first `device_communities_per_region` communities of each
//! region); the devices reach everyone else by rail freight (`rail::ship_goods`), which moves
//! storable goods from communities above their reserve to those below a day's use. The data
//! network's upkeep (labour and energy) is booked to the communications (devices) syndicate of
//! every community, in proportion to its members. Under `"community"` (the default) each
//! community's own syndicate makes its own devices and no data network is modelled.

use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::ledger::{GuildDay, PeopleDay};
use crate::model::kernel::params::Params;
use crate::model::kernel::regions::Regions;
use crate::model::kernel::technology::Economy;

/// Whether community `c` holds a workshop of the global device syndicate.
pub fn is_device_community(params: &Params, regions: &Regions, c: usize) -> bool {
    params.global.global() && regions.rank(c) < params.global.device_communities_per_region as usize
}

/// The global syndicate's device target for each community (devices/day; 0 where it has no
/// workshop). The world's want is its need plus its reserve less its stocks and what guilds
/// offered yesterday. It is shared over the regions in proportion to what each region wants
/// (its own need plus reserve less stocks, at least 0), so the workshops serving the regions
/// shortest make the most, and within a region equally over its workshops.
pub fn device_targets(
    params: &Params,
    membership: &Regions,
    economy: &Economy,
    people: &[PeopleDay],
    guilds: &[GuildDay],
    stocks: &[[f64; N_GOODS]],
) -> Vec<f64> {
    let d = Good::Devices.index();
    let n = people.len();
    let regions = membership.count();
    let reserve_days = params.goods.devices.reserve_days;
    // Each region's need plus reserve less stocks and guild offers (may be negative).
    let mut want = vec![0.0f64; regions];
    for (c, (day, guild)) in people.iter().zip(guilds).enumerate() {
        let need = day.requested(params);
        let gross = economy.gross_output(&need);
        want[membership.of(c)] += need[d] + reserve_days * gross[d] - stocks[c][d] - guild.made[d];
    }
    let world = want.iter().sum::<f64>().max(0.0);
    let asked: f64 = want.iter().map(|w| w.max(0.0)).sum();
    let mut targets = vec![0.0; n];
    if world <= 0.0 || asked <= 0.0 {
        return targets;
    }
    for (r, w) in want.iter().enumerate() {
        let members = membership.members(r);
        let workshops: Vec<usize> = members
            .filter(|&c| is_device_community(params, membership, c))
            .collect();
        if workshops.is_empty() {
            continue;
        }
        let share = world * w.max(0.0) / asked / workshops.len() as f64;
        for c in workshops {
            targets[c] = share;
        }
    }
    targets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::params::global::DeviceMaking;

    #[test]
    fn only_the_first_communities_of_each_region_make_devices() {
        let mut p = Params::default();
        p.population.communities = 7;
        p.population.communities_per_region = 3;
        p.global.devices = DeviceMaking::Global;
        let makers: Vec<usize> = (0..7)
            .filter(|&c| is_device_community(&p, &Regions::of_params(&p), c))
            .collect();
        assert_eq!(makers, vec![0, 3, 6]);
        p.global.device_communities_per_region = 2;
        let makers: Vec<usize> = (0..7)
            .filter(|&c| is_device_community(&p, &Regions::of_params(&p), c))
            .collect();
        assert_eq!(makers, vec![0, 1, 3, 4, 6]);
        p.global.devices = DeviceMaking::Community;
        assert!((0..7).all(|c| !is_device_community(&p, &Regions::of_params(&p), c)));
    }

    #[test]
    fn the_world_target_is_need_plus_reserve_less_stocks_shared_by_want() {
        let mut p = Params::default();
        p.population.communities = 4;
        p.population.communities_per_region = 2;
        p.global.devices = DeviceMaking::Global;
        let economy = Economy::new(&p);
        let mut days = vec![PeopleDay::default(); 4];
        let guilds = vec![GuildDay::default(); 4];
        for day in &mut days {
            day.headcount.adults = 365.0;
        }
        // Each adult needs 0.25/365 devices a day: each community needs 0.25 a day and keeps a
        // reserve of 60 days, 15 devices.
        let d = Good::Devices.index();
        let mut stocks = vec![[0.0; N_GOODS]; 4];
        stocks[0][d] = 15.25;
        stocks[1][d] = 15.25;
        let t = device_targets(
            &p,
            &Regions::of_params(&p),
            &economy,
            &days,
            &guilds,
            &stocks,
        );
        // Region 0 wants nothing; region 1 wants 30.5; the world 30.5, all made in community 2.
        assert!((t[2] - 30.5).abs() < 1e-9, "{t:?}");
        assert_eq!(t[0] + t[1] + t[3], 0.0);
        // A surplus in region 0 lowers the world's target; region 1 still gets it all.
        stocks[0][d] = 25.25;
        let t = device_targets(
            &p,
            &Regions::of_params(&p),
            &economy,
            &days,
            &guilds,
            &stocks,
        );
        assert!((t[2] - 20.5).abs() < 1e-9, "{t:?}");
    }
}
