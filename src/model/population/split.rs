//! Splits: a community whose assembly voted to split (`governance/proposals/split.rs`) founds the
//! free site it reserved at the start of the next day. The k = floor(n / 2) of its n persons
//! with the lowest draws from the founding's own stream (`Purpose::Split`, by the founding
//! community's id) move, and the new community receives the same share s = k / n of everything
//! the parent holds: arable land, floor area (standing and under construction), every energy
//! installation's vintage, storage and builds under way, food in store and kept as leftovers,
//! goods in stock and in production, garments in the exchange store, and this season's farm
//! plan. The parent keeps the rest, so the two together hold exactly what the parent held (to
//! floating rounding). The new community takes over the parent's standing decisions (rota,
//! rationing) and the state of its syndicates; persons who move leave their guild, and a moving
//! full-time artist returns to ordinary work. Gardens are each gardener's, and move with them.
//! With households, whole households move instead, in the order of their members' lowest draw,
//! until about half the persons have gone (`whole_households`).

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::model::energy::{EnergyBuilds, EnergySystem, Vintages};
use crate::model::guilds::Guild;
use crate::model::housing::Dwellings;
use crate::model::kernel::components::*;
use crate::model::kernel::decisions::Government;
use crate::model::kernel::households::{Household, Households, NONE};
use crate::model::kernel::regions::Settled;
use crate::model::kernel::rng::{Purpose, stream};

/// A split carried out: who founded what, and how many moved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Founding {
    pub founder: u32,
    pub site: u32,
    pub moved: u32,
    /// The share of the founder's persons (and of everything else) the new community took.
    pub share: f64,
}

/// Splits `share` of `T` on `from` off onto `to`, as `split(parent, child)` says.
fn share_out<T: Component<Mutability = bevy_ecs::component::Mutable> + Clone>(
    world: &mut World,
    from: Entity,
    to: Entity,
    split: impl FnOnce(&mut T, &mut T),
) {
    let Some(mut parent) = world.get::<T>(from).cloned() else {
        return;
    };
    let Some(mut child) = world.get::<T>(to).cloned() else {
        return;
    };
    split(&mut parent, &mut child);
    *world.get_mut::<T>(from).expect("checked above") = parent;
    *world.get_mut::<T>(to).expect("checked above") = child;
}

/// `x * s`, taken from `x`.
fn take(x: &mut f64, s: f64) -> f64 {
    let part = *x * s;
    *x -= part;
    part
}

/// Carries out the splits passed (`Settled::pending`) on `tick`, in the order they passed.
pub fn found(world: &mut World, tick: u32) -> Vec<Founding> {
    let seed = world.resource::<Settled>().seed;
    let pending = std::mem::take(&mut world.resource_mut::<Settled>().pending);
    pending
        .into_iter()
        .map(|(founder, site)| found_one(world, seed, tick, founder, site))
        .collect()
}

/// With households, the split takes whole households: in the order of their members' lowest
/// draw, each household that fits within half the persons (rounded up) goes, until half (rounded
/// down) have gone. Puts the movers first in `draws` (sorted by draw) and returns how many they
/// are; the households taken now live in `site`.
fn whole_households(
    households: &mut Households,
    draws: &mut [(f64, Entity, u32)],
    site: u32,
) -> usize {
    let n = draws.len();
    let (k, most) = (n / 2, n - n / 2);
    let mut seen = std::collections::BTreeSet::new();
    let mut taken = std::collections::BTreeSet::new();
    let mut moved = 0;
    for &(_, _, h) in draws.iter() {
        if moved >= k {
            break;
        }
        let size = households.all[h as usize].size as usize;
        if seen.insert(h) && moved + size <= most {
            taken.insert(h);
            moved += size;
            households.all[h as usize].community = site;
        }
    }
    // Movers first, each group still in draw order.
    draws.sort_by_key(|d| !taken.contains(&d.2));
    moved
}

fn found_one(world: &mut World, seed: u64, tick: u32, founder: u32, site: u32) -> Founding {
    // Who moves: the floor(n / 2) persons of the founder with the lowest draws, one draw each
    // in table order (with households, whole households by their lowest draw).
    let mut rng = stream(seed, Purpose::Split, u64::from(founder));
    let mut draws: Vec<(f64, Entity, u32)> = world
        .query::<(Entity, &Member, Option<&Household>)>()
        .iter(world)
        .filter(|(_, m, _)| m.0 == founder)
        .map(|(e, _, h)| (rng.random::<f64>(), e, h.map_or(NONE, |h| h.0)))
        .collect();
    let n = draws.len();
    draws.sort_by(|a, b| a.0.total_cmp(&b.0));
    let k = if world.resource::<Households>().on() {
        whole_households(&mut world.resource_mut::<Households>(), &mut draws, site)
    } else {
        n / 2
    };
    let share = if n > 0 { k as f64 / n as f64 } else { 0.0 };
    let mut left_guilds = Vec::new();
    let mut artists = 0u32;
    for &(_, e, _) in &draws[..k] {
        let mut entity = world.entity_mut(e);
        entity.get_mut::<Member>().expect("a person").0 = site;
        let (guild, artist) = super::leave_ties(&mut entity.get_mut::<Person>().expect("a person"));
        if guild != 0 {
            left_guilds.push(guild);
        }
        artists += u32::from(artist);
    }
    for mut guild in world.query::<&mut Guild>().iter_mut(world) {
        if guild.community == founder {
            let tag = Guild::tag(guild.good);
            let gone = left_guilds.iter().filter(|&&t| t == tag).count() as u32;
            guild.members = guild.members.saturating_sub(gone);
        }
    }
    let (f, s) = (founder as usize, site as usize);
    let (from, to, farms, kitchens, goods) = {
        let d = world.resource::<Directory>();
        (
            d.communities[f],
            d.communities[s],
            (d.farms[f], d.farms[s]),
            (d.kitchens[f], d.kitchens[s]),
            (d.goods[f], d.goods[s]),
        )
    };
    share_out::<Land>(world, from, to, |p, c| {
        c.arable_ha = take(&mut p.arable_ha, share);
    });
    share_out::<StoreRoom>(world, from, to, |p, c| {
        c.food_kg = take(&mut p.food_kg, share);
    });
    share_out::<Stocks>(world, from, to, |p, c| {
        for (p, c) in p.0.iter_mut().zip(c.0.iter_mut()) {
            *c = take(p, share);
        }
    });
    share_out::<ExchangeStore>(world, from, to, |p, c| {
        c.garments = take(&mut p.garments, share);
    });
    share_out::<Agreement>(world, from, to, |p, c| *c = *p);
    share_out::<EnergySystem>(world, from, to, |p, c| {
        for (p, c) in p.capacity_kw.iter_mut().zip(c.capacity_kw.iter_mut()) {
            *c = take(p, share);
        }
        c.storage_kwh = take(&mut p.storage_kwh, share);
        c.stored_kwh = take(&mut p.stored_kwh, share);
    });
    share_out::<Vintages>(world, from, to, |p, c| *c = p.split_off(share));
    share_out::<EnergyBuilds>(world, from, to, |p, c| {
        *c = *p;
        for (p, c) in [
            (&mut p.kw, &mut c.kw),
            (&mut p.hours_left, &mut c.hours_left),
            (&mut p.materials_left, &mut c.materials_left),
            (&mut p.hours_per_day, &mut c.hours_per_day),
            (&mut p.materials_per_day, &mut c.materials_per_day),
            (&mut p.worn_kw, &mut c.worn_kw),
            (&mut p.replacing_kw, &mut c.replacing_kw),
        ] {
            for (p, c) in p.iter_mut().zip(c.iter_mut()) {
                *c = take(p, share);
            }
        }
        c.shortage_kwh = take(&mut p.shortage_kwh, share);
    });
    share_out::<Dwellings>(world, from, to, |p, c| {
        c.m2 = take(&mut p.m2, share);
        c.building_m2 = take(&mut p.building_m2, share);
        c.hours_left = take(&mut p.hours_left, share);
        c.materials_left = take(&mut p.materials_left, share);
    });
    share_out::<FarmPlan>(world, farms.0, farms.1, |p, c| {
        c.planned_ha = take(&mut p.planned_ha, share);
        c.season_posted = take(&mut p.season_posted, share);
        c.season_filled = take(&mut p.season_filled, share);
        c.regional_kg = take(&mut p.regional_kg, share);
    });
    share_out::<KitchenState>(world, kitchens.0, kitchens.1, |p, c| {
        for (p, c) in p.leftovers.iter_mut().zip(c.leftovers.iter_mut()) {
            *c = take(p, share);
        }
        c.forecast_kg = take(&mut p.forecast_kg, share);
    });
    for (&pg, &cg) in goods.0.iter().zip(goods.1.iter()) {
        share_out::<Standing>(world, pg, cg, |p, c| *c = *p);
        share_out::<Ordering>(world, pg, cg, |p, c| {
            *c = *p;
            c.forecast = take(&mut p.forecast, share);
            c.requests = take(&mut p.requests, share);
            c.error = take(&mut p.error, share);
            c.agreed = take(&mut p.agreed, share);
            if let (Some((pa, _)), Some((ca, _))) = (&mut p.revised, &mut c.revised) {
                *ca = take(pa, share);
            }
            c.heard = Seen::default();
            p.heard = Seen::default();
            for (p, c) in p.in_production.iter_mut().zip(c.in_production.iter_mut()) {
                *c = take(p, share);
            }
        });
        // Its agreements with the syndicates whose goods it uses are shared out too (where it
        // has them: `economy.input_agreements = "assemblies"`).
        share_out::<Inputs>(world, pg, cg, |pi, ci| {
            *ci = *pi;
            for i in 0..pi.agreed.len() {
                ci.agreed[i] = take(&mut pi.agreed[i], share);
                ci.placed[i] = take(&mut pi.placed[i], share);
                if let (Some((pa, _)), Some((ca, _))) = (&mut pi.revised[i], &mut ci.revised[i]) {
                    *ca = take(pa, share);
                }
                ci.short[i] = 0;
                pi.short[i] = 0;
            }
        });
    }
    {
        let mut gov = world.resource_mut::<Government>();
        gov.rota[s] = gov.rota[f];
        gov.rationing[s] = gov.rationing[f];
        gov.artists[f] = gov.artists[f].saturating_sub(artists);
        gov.yesterday[s] = gov.yesterday[f];
    }
    let mut settled = world.resource_mut::<Settled>();
    settled.settled[s] = true;
    settled.founded[s] = Some(tick);
    Founding {
        founder,
        site,
        moved: k as u32,
        share,
    }
}
