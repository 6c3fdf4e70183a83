//! Guilds: autonomous groups of people who love a kind of work and make what they choose.
//!
//! A guild is founded (an event) by the members of a community with the most appeal for making a
//! good. It needs raw materials, which it asks for through an agreement the community assembly
//! votes on. Once the agreement is accepted, each member gives `hours_per_member` of their
//! willing hours to the guild first, every day; what they make, as far as the inputs in store
//! allow, goes to the store, where the syndicate's plan counts it ("need minus stocks minus what
//! guilds supply"). A refused guild makes nothing and its members volunteer as everyone else.

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use super::components::{Directory, Ledger, Member, Person, Stocks, Vocation};
use super::economy::Economy;
use super::events::{Log, LogKind};
use super::goods::{Good, N_GOODS};
use super::params::{Params, Sector};

/// The `[guilds]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuildParams {
    /// Hours a day each member gives to the guild once its agreement is accepted (hours/day).
    pub hours_per_member: f64,
    /// How much members value the variety a guild adds, as a share of one need met (0..1).
    pub variety_value: f64,
}

impl Default for GuildParams {
    fn default() -> Self {
        Self {
            // Assumption: an hour and a half of a three-to-four-hour day.
            hours_per_member: 1.5,
            variety_value: 0.05,
        }
    }
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
    let mut candidates: Vec<(Entity, f32)> = world
        .query::<(Entity, &Member, &Person, &Vocation)>()
        .iter(world)
        .filter(|(_, m, p, _)| {
            m.0 == community && p.guild == 0 && p.age != super::components::AgeClass::Child
        })
        .map(|(e, _, _, v)| (e, v.appeal[sector]))
        .collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
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
    clock: Res<super::calendar::Clock>,
    mut ledger: ResMut<Ledger>,
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
        let day = &mut ledger.days[c];
        let hours = day.guild_hours[g];
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
                day.goods.used[i] += used;
            }
        }
        stock.0[g] += units;
        day.goods.made[g] += units;
        day.guild_made[g] += units;
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
