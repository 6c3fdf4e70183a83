//! Guilds: autonomous groups of people who love a kind of work and make what they choose.
//!
//! A guild is founded, by an event or, with `spontaneous` on, by people who love the work: at
//! each community meeting, where at least `min_founders` able members not yet in a guild find
//! making a good in `goods` this appealing (`founding_appeal` or more), they found a guild with
//! probability `founding_probability`. Its founders are the members with the most appeal for
//! making the good. It needs raw materials, which it asks for through an agreement the community assembly
//! votes on. Once the agreement is accepted, each member gives `hours_per_member` of their
//! willing hours to the guild first, every day; what they make, as far as the inputs in store
//! allow, goes to the store, where the syndicate's plan counts it ("need minus stocks minus what
//! guilds supply"). A refused guild makes nothing and its members volunteer as everyone else.

use bevy_ecs::prelude::*;

use crate::model::kernel::components::{Directory, Member, Person, Stocks, Vocation};
use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::ledger::{Days, GoodsDay, GuildDay, LabourDay};
use crate::model::kernel::log::{Log, LogKind};
use crate::model::kernel::params::{Params, Sector};
use crate::model::kernel::technology::Economy;

/// Each community's stream for founding guilds.
#[derive(Resource)]
pub struct FoundingRngs(pub Vec<rand_chacha::ChaCha8Rng>);

impl FoundingRngs {
    pub fn new(seed: u64, communities: u32) -> Self {
        Self(
            (0..communities)
                .map(|c| {
                    crate::model::kernel::rng::stream(
                        seed,
                        crate::model::kernel::rng::Purpose::Guilds,
                        u64::from(c),
                    )
                })
                .collect(),
        )
    }
}

/// With `guilds.spontaneous` on, on community meeting days (every `assembly.community
/// .interval_days`), founds the guilds that people who love a kind of work start: for each
/// community and each good in `guilds.goods` without a guild there, if at least `min_founders`
/// able members not yet in a guild have `founding_appeal` or more for making it, they found one
/// (up to `max_members`) with probability `founding_probability`. Returns what was founded, as
/// (community, good, members), for the log.
pub fn found_spontaneously(world: &mut World, tick: u32) -> Vec<(u32, Good, u32)> {
    let params = world.resource::<Params>();
    let g = &params.guilds;
    let interval = params.assembly.community.interval_days.max(1);
    if !g.spontaneous || tick == 0 || !tick.is_multiple_of(interval) {
        return Vec::new();
    }
    let goods: Vec<Good> = Good::ALL
        .iter()
        .copied()
        .filter(|good| g.goods.iter().any(|name| name == good.name()))
        .collect();
    let (threshold, min, max, chance) = (
        g.founding_appeal as f32,
        g.min_founders,
        g.max_members,
        g.founding_probability,
    );
    let n = params.population.communities as usize;
    let mut willing = vec![[0u32; N_GOODS]; n];
    for (m, p, v) in world.query::<(&Member, &Person, &Vocation)>().iter(world) {
        if p.guild != 0 || !p.can_work() {
            continue;
        }
        for good in &goods {
            if v.appeal.get(Sector::Making(*good).index()) >= threshold {
                willing[m.0 as usize][good.index()] += 1;
            }
        }
    }
    let mut exists = vec![[false; N_GOODS]; n];
    for guild in world.query::<&Guild>().iter(world) {
        exists[guild.community as usize][guild.good.index()] = true;
    }
    let mut founded = Vec::new();
    {
        let mut rngs = world.resource_mut::<FoundingRngs>();
        for c in 0..n {
            for good in &goods {
                let k = good.index();
                if exists[c][k] || willing[c][k] < min {
                    continue;
                }
                if rand::RngExt::random::<f64>(&mut rngs.0[c]) < chance {
                    founded.push((c as u32, *good, willing[c][k].min(max)));
                }
            }
        }
    }
    for (c, good, members) in &founded {
        found(world, *c, *good, *members);
    }
    founded
}

/// Where a guild's raw-material agreement stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agreement {
    Pending,
    Accepted,
    Refused,
}

/// A guild of one community making one good.
#[derive(Component, Clone, Copy, Debug)]
pub struct Guild {
    pub community: u32,
    pub good: Good,
    pub members: u32,
    pub agreement: Agreement,
}

impl Guild {
    /// Tag a member carries in [`Person::guild`]: the good's index plus one.
    pub fn tag(good: Good) -> u8 {
        good.index() as u8 + 1
    }
}

/// Founds a guild of up to `members` of `community`'s able adults and elders not already in a
/// guild, those with the most appeal for making `good` (ties by table order).
pub fn found(world: &mut World, community: u32, good: Good, members: u32) {
    let sector = Sector::Making(good).index();
    let mut candidates: Vec<(Entity, u8)> = world
        .query::<(Entity, &Member, &Person, &Vocation)>()
        .iter(world)
        .filter(|(_, m, p, _)| {
            m.0 == community
                && p.guild == 0
                && p.age != crate::model::kernel::components::AgeClass::Child
        })
        .map(|(e, _, _, v)| (e, v.appeal.0[sector]))
        .collect();
    candidates.sort_by_key(|c| std::cmp::Reverse(c.1));
    candidates.truncate(members as usize);
    for (e, _) in &candidates {
        if let Some(mut p) = world.get_mut::<Person>(*e) {
            p.guild = Guild::tag(good);
        }
    }
    world.spawn(Guild {
        community,
        good,
        members: candidates.len() as u32,
        agreement: Agreement::Pending,
    });
}

/// Guilds whose agreement stands make what their members' hours and the store's inputs allow,
/// and offer it to the store. Runs after the syndicates have made their goods.
#[allow(clippy::too_many_arguments)]
pub fn guild_production(
    params: Res<Params>,
    economy: Res<Economy>,
    directory: Res<Directory>,
    clock: Res<crate::model::kernel::calendar::Clock>,
    labour: Res<Days<LabourDay>>,
    mut goods: ResMut<Days<GoodsDay>>,
    mut guild_days: ResMut<Days<GuildDay>>,
    mut stocks: Query<&mut Stocks>,
    guilds: Query<&Guild>,
    mut log: ResMut<Log>,
    mut announced: Local<Vec<(u32, Good)>>,
) {
    for guild in &guilds {
        if guild.agreement != Agreement::Accepted {
            continue;
        }
        let c = guild.community as usize;
        let g = guild.good.index();
        let (day, guild_day) = (&mut goods[c], &mut guild_days[c]);
        let hours = labour[c].guild_hours[g];
        let per_unit = params.goods.get(guild.good).labour_hours_per_unit;
        if hours <= 0.0 || per_unit <= 0.0 {
            continue;
        }
        let Ok(mut stock) = stocks.get_mut(directory.communities[c]) else {
            continue;
        };
        let mut units = hours / per_unit;
        // The agreement's materials come from the store, as far as they are there.
        for i in 0..N_GOODS {
            let input = economy.a[i][g];
            if input > 0.0 && i != g {
                units = units.min(stock.0[i].max(0.0) / input);
            }
        }
        for i in 0..N_GOODS {
            if i != g {
                let used = economy.a[i][g] * units;
                stock.0[i] -= used;
                day.used[i] += used;
            }
        }
        stock.0[g] += units;
        day.made[g] += units;
        guild_day.made[g] += units;
        if !announced.contains(&(guild.community, guild.good)) && units > 0.0 {
            announced.push((guild.community, guild.good));
            log.push(
                clock.tick,
                LogKind::Event,
                format!(
                    "the {} guild of community {c} offers its first work to the store",
                    guild.good.name()
                ),
            );
        }
    }
}
