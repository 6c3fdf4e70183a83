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
use serde::{Deserialize, Serialize};

use super::components::{Directory, Ledger, Member, Person, Stocks, Vocation};
use super::decl::{Check, Decl};
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
    /// Guilds are founded by people who love the work, not only by events (on/off).
    pub spontaneous: bool,
    /// Goods that guilds may be founded to make (names of goods).
    pub goods: Vec<String>,
    /// Least appeal of making the good for a person to want to found its guild (0..1).
    pub founding_appeal: f64,
    /// Least number of people with that appeal for a guild to be founded (count, 1 or more).
    pub min_founders: u32,
    /// Most members a guild takes when founded (count, 1 or more).
    pub max_members: u32,
    /// Chance, at each community meeting, that people who could found a guild do (0..1).
    pub founding_probability: f64,
}

impl Default for GuildParams {
    fn default() -> Self {
        Self {
            // Assumption: an hour and a half of a three-to-four-hour day.
            hours_per_member: 1.5,
            variety_value: 0.05,
            spontaneous: false,
            // The essay's guilds: tailors with "a flair for design", and guilds that "spring up
            // with their own creative ideas about technology".
            goods: vec!["clothing".to_owned(), "devices".to_owned()],
            // Assumption: about one adult in twenty loves a given craft this much.
            founding_appeal: 0.95,
            min_founders: 4,
            max_members: 8,
            // Assumption: such a group forms within a few months of meetings.
            founding_probability: 0.1,
        }
    }
}

/// Each community's stream for founding guilds.
#[derive(Resource)]
pub struct FoundingRngs(pub Vec<rand_chacha::ChaCha8Rng>);

impl FoundingRngs {
    pub fn new(seed: u64, communities: u32) -> Self {
        Self(
            (0..communities)
                .map(|c| super::rng::stream(seed, super::rng::Purpose::Guilds, u64::from(c)))
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
            if v.appeal[Sector::Making(*good).index()] >= threshold {
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

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "guilds.hours_per_member",
        "h/day",
        Check::Range(0.0, 24.0),
        "Hours a day each member gives to the guild once its agreement is accepted.",
        "Assumption: an hour and a half of a three-to-four-hour day.",
    ),
    Decl::new(
        "guilds.variety_value",
        "share",
        Check::Share,
        "How much members value the variety a guild adds, as a share of one need met.",
        "",
    ),
    Decl::new(
        "guilds.spontaneous",
        "",
        Check::Free,
        "Guilds are founded by people who love the work, not only by events.",
        "",
    ),
    Decl::new(
        "guilds.goods",
        "names of goods",
        Check::Free,
        "Goods that guilds may be founded to make.",
        "The essay's guilds: tailors with \"a flair for design\", and guilds that \"spring up with their own creative ideas about technology\".",
    ),
    Decl::new(
        "guilds.founding_appeal",
        "share",
        Check::Share,
        "Least appeal of making the good for a person to want to found its guild.",
        "Assumption: about one adult in twenty loves a given craft this much.",
    ),
    Decl::new(
        "guilds.min_founders",
        "persons",
        Check::Range(1.0, 1000.0),
        "Least number of people with that appeal for a guild to be founded.",
        "",
    ),
    Decl::new(
        "guilds.max_members",
        "persons",
        Check::Range(1.0, 1000.0),
        "Most members a guild takes when founded.",
        "",
    ),
    Decl::new(
        "guilds.founding_probability",
        "share",
        Check::Share,
        "Chance, at each community meeting, that people who could found a guild do.",
        "Assumption: such a group forms within a few months of meetings.",
    ),
];
