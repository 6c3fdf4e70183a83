//! Planning, making and delivering the goods beyond food.
//!
//! Each day, each community's syndicates plan the gross output that meets its members' need plus
//! any shortfall of its reserves, less what is already in store, through the Leontief inverse:
//! `x = (I - A)^-1 d`. They post `labour_hours_per_unit` hours per unit. After volunteering, each
//! sector makes its plan scaled by the share of its hours filled, and further by any input that
//! falls short (a deficit of energy or materials curtails every sector that uses them,
//! proportionally). What is made is used as inputs, delivered by need, or kept in store; services
//! that are neither used nor delivered the same day are given up and counted as waste.

use bevy_ecs::prelude::*;

use crate::model::energy::curtail;
use crate::model::housing::Dwellings;
use crate::model::kernel::components::{Directory, ExchangeStore, Standing, Stocks};
use crate::model::kernel::goods::{Good, N_GOODS, mul};
use crate::model::kernel::ledger::{
    BuildDay, Days, EnergyDay, FoodDay, GoodsDay, GuildDay, LabourDay, PeopleDay, RailDay,
};
use crate::model::kernel::params::{Params, Sector};
use crate::model::kernel::regions::Regions;
use crate::model::kernel::technology::Economy;
use crate::model::learning::Knowledge;
use crate::model::rail::links::RailUpkeep;
use crate::model::syndicates::global::device_targets;

/// Each community's syndicates plan today's output and post the hours it takes; the rail
/// syndicate (transport) also posts the upkeep of its lines. Under global device making, the
/// global syndicate's target replaces each community's own plan for devices (see
/// [`super::global`]), and the data network's upkeep is booked to every community's devices
/// sector. Labour per unit is divided by the technology level research has reached.
#[allow(clippy::too_many_arguments)]
pub fn plan_goods(
    params: Res<Params>,
    economy: Res<Economy>,
    directory: Res<Directory>,
    upkeep: Res<RailUpkeep>,
    knowledge: Res<Knowledge>,
    regions: Res<Regions>,
    people: Res<Days<PeopleDay>>,
    food: Res<Days<FoodDay>>,
    rail: Res<Days<RailDay>>,
    builds: Res<Days<BuildDay>>,
    mut guilds: ResMut<Days<GuildDay>>,
    mut labour: ResMut<Days<LabourDay>>,
    mut goods: ResMut<Days<GoodsDay>>,
    stocks: Query<(&Stocks, &ExchangeStore)>,
    standings: Query<&Standing>,
) {
    let clothing = Good::Clothing.index();
    let devices = Good::Devices.index();
    let global = params.global.global();
    if global {
        let held: Vec<[f64; N_GOODS]> = (0..goods.len())
            .map(|c| {
                stocks
                    .get(directory.communities[c])
                    .map_or([0.0; N_GOODS], |(s, _)| s.0)
            })
            .collect();
        let targets = device_targets(&params, &regions, &economy, &people, &guilds, &held);
        for (day, target) in goods.iter_mut().zip(targets) {
            day.device_target = target;
        }
    }
    let level = knowledge.level;
    for (c, day) in goods.iter_mut().enumerate() {
        let (who, guild) = (&people[c], &mut guilds[c]);
        let (stock, exchange) = stocks
            .get(directory.communities[c])
            .map_or(([0.0; N_GOODS], 0.0), |(s, e)| (s.0, e.garments));
        let mut need = params.goods.final_need(&who.headcount);
        need[Good::Energy.index()] += food[c].cooking_kwh + rail[c].freight_kwh;
        if global {
            let persons = f64::from(who.persons);
            day.data_network_kwh = persons * params.global.data_network_kwh_per_person_day;
            day.data_network_hours =
                persons * params.global.data_network_hours_per_person_year / 365.0;
            need[Good::Energy.index()] += day.data_network_kwh;
        }
        day.need = need;
        // Garments waiting in the exchange store are taken before new ones are made.
        need[clothing] -= need[clothing].min(exchange);
        // Gross use at today's need, to size the reserves of intermediate goods too.
        let gross = economy.gross_output(&need);
        let mut demand = [0.0; N_GOODS];
        let overproduction = params.market.overproduction;
        for good in Good::ALL {
            let g = good.index();
            demand[g] = if global && g == devices {
                // The global syndicate's share for this workshop (0 elsewhere).
                let wanted = day.device_target;
                day.overproduced[g] = wanted * overproduction;
                wanted + day.overproduced[g]
            } else if good.storable() {
                let reserve = params.goods.get(*good).reserve_days * gross[g];
                let wanted = (need[g] + reserve - stock[g]).max(0.0);
                // Made beyond the want, to be thrown away unsold (the status quo only).
                day.overproduced[g] = wanted * overproduction;
                wanted + day.overproduced[g]
            } else {
                need[g]
            };
        }
        // What guilds offered the store yesterday they are expected to offer again.
        // (The global device target already counts the world's guild offers.)
        for g in 0..N_GOODS {
            if !(global && g == devices) {
                demand[g] = (demand[g] - guild.made[g]).max(0.0);
            }
        }
        // The materials and energy their agreement promised them are planned for too.
        let guild_inputs = mul(&economy.a, &guild.made);
        for i in 0..N_GOODS {
            demand[i] += guild_inputs[i];
        }
        guild.made = [0.0; N_GOODS];
        // Construction goods for the installations being built.
        demand[Good::Construction.index()] += builds[c].build_materials_t;
        let mut planned = economy.gross_output(&demand);
        // What is in store beyond its reserve is used before anything new is made.
        for good in Good::ALL {
            let g = good.index();
            // (The global device target already counts every stock.)
            if good.storable() && !(global && g == devices) {
                let reserve = params.goods.get(*good).reserve_days * gross[g];
                let surplus = (stock[g] - reserve - need[g]).max(0.0);
                planned[g] = (planned[g] - surplus).max(0.0);
            }
        }
        // A syndicate its assembly idled makes nothing until it is resumed; its users draw on
        // the store. (The global device syndicate is not the community's to idle.)
        if let Some(syndicates) = directory.goods.get(c) {
            for g in 0..N_GOODS {
                let idle = standings.get(syndicates[g]).is_ok_and(|s| s.idle());
                if idle && !(global && g == devices) {
                    planned[g] = 0.0;
                }
            }
        }
        day.planned = planned;
        for good in Good::ALL {
            let s = Sector::Making(*good).index();
            let mut hours = planned[good.index()] * economy.labour[good.index()] / level;
            if *good == Good::Devices {
                hours += day.data_network_hours;
            }
            if *good == Good::Transport {
                hours += upkeep.0.get(c).copied().unwrap_or(0.0);
            }
            if *good == Good::Construction {
                hours += builds[c].build_hours;
            }
            labour[c].posted[s] = hours;
            labour[c].unfilled[s] = hours;
        }
    }
}

/// Most passes made to bring every sector's inputs within what is there.
const INPUT_PASSES: usize = 32;

/// Each sector makes its plan as far as its hours and inputs allow; inputs are used up, and
/// storable output goes to the store.
pub fn make_goods(
    economy: Res<Economy>,
    directory: Res<Directory>,
    labour: Res<Days<LabourDay>>,
    energy: Res<Days<EnergyDay>>,
    mut goods: ResMut<Days<GoodsDay>>,
    mut stocks: Query<&mut Stocks>,
) {
    let a = &economy.a;
    for (c, day) in goods.iter_mut().enumerate() {
        let (work, power) = (&labour[c], &energy[c]);
        let Ok(mut stock) = stocks.get_mut(directory.communities[c]) else {
            continue;
        };
        let mut rate = [1.0; N_GOODS];
        for good in Good::ALL {
            let s = Sector::Making(*good).index();
            if work.posted[s] > 0.0 {
                rate[good.index()] =
                    ((work.posted[s] - work.unfilled[s]) / work.posted[s]).clamp(0.0, 1.0);
            }
        }
        let planned = day.planned;
        // Energy is what the installations, storage and grid made available (the energy
        // syndicate's staffing already scaled the generation).
        let e = Good::Energy.index();
        rate[e] = if planned[e] > 0.0 {
            (power.available / planned[e]).clamp(0.0, 1.0)
        } else {
            1.0
        };
        // Too little energy: the users are cut in the scenario's order.
        if rate[e] < 1.0 {
            let mut full = [0.0; N_GOODS];
            for j in 0..N_GOODS {
                full[j] = a[e][j] * planned[j] * rate[j];
            }
            let homes = day.need[e];
            let (_, allowed) = curtail(&economy.curtailment, homes, &full, power.available);
            for j in 0..N_GOODS {
                if full[j] > 0.0 {
                    rate[j] *= (allowed[j] / full[j]).clamp(0.0, 1.0);
                }
            }
        }
        let mut made = [0.0; N_GOODS];
        let mut used = [0.0; N_GOODS];
        for pass in 0..=INPUT_PASSES {
            for g in 0..N_GOODS {
                made[g] = planned[g] * rate[g];
            }
            used = mul(a, &made);
            let mut consistent = true;
            for i in 0..N_GOODS {
                let there = stock.0[i] + made[i];
                if used[i] > there * (1.0 + 1e-12) + 1e-12 {
                    consistent = false;
                    // Every sector using good i is curtailed in proportion; on the last pass
                    // the users stop, so no stock ever goes negative.
                    let scale = if pass == INPUT_PASSES {
                        0.0
                    } else {
                        there / used[i]
                    };
                    for j in 0..N_GOODS {
                        if a[i][j] > 0.0 {
                            rate[j] *= scale;
                        }
                    }
                }
            }
            if consistent {
                break;
            }
        }
        for g in 0..N_GOODS {
            stock.0[g] += made[g] - used[g];
        }
        day.made = made;
        day.used = used;
    }
}

/// Goods are delivered by need, the same share of need to everyone when short. Services left
/// over are given up.
pub fn deliver_goods(
    params: Res<Params>,
    directory: Res<Directory>,
    mut goods: ResMut<Days<GoodsDay>>,
    mut stocks: Query<(&mut Stocks, &mut ExchangeStore, &Dwellings)>,
) {
    let clothing = Good::Clothing.index();
    let housing = Good::Housing.index();
    let cp = &params.clothing;
    for (c, day) in goods.iter_mut().enumerate() {
        let Ok((mut stock, mut exchange, dwellings)) = stocks.get_mut(directory.communities[c])
        else {
            continue;
        };
        // Garments: the exchange store first, then new ones from the free store. As many leave
        // use as are taken; the wearable ones go back to the exchange store, if there is one.
        let reused = day.need[clothing].min(exchange.garments);
        exchange.garments -= reused;
        day.garments_reused = reused;
        for good in Good::ALL {
            let g = good.index();
            let wanted = if g == clothing {
                day.need[g] - reused
            } else {
                day.need[g]
            };
            let mut delivered = wanted.min(stock.0[g].max(0.0));
            if g == housing {
                // Floor area is kept in repair only where it stands.
                delivered = delivered.min(dwellings.m2.max(0.0));
            }
            stock.0[g] -= delivered;
            if g == clothing {
                delivered += reused;
                let wearable = if cp.exchange_store {
                    delivered * cp.wearable_share
                } else {
                    0.0
                };
                exchange.garments += wearable;
                day.garments_discarded = delivered - wearable;
            }
            day.delivered[g] = delivered;
            if !good.storable() {
                day.wasted[g] = stock.0[g].max(0.0);
                stock.0[g] = 0.0;
            } else if day.overproduced[g] > 0.0 {
                // What was made beyond the want is thrown away unsold, in the share of the plan
                // that was made.
                let made_share = if day.planned[g] > 0.0 {
                    (day.made[g] / day.planned[g]).min(1.0)
                } else {
                    0.0
                };
                let thrown = (day.overproduced[g] * made_share).min(stock.0[g].max(0.0));
                stock.0[g] -= thrown;
                day.wasted[g] = thrown;
                if g == clothing {
                    day.garments_discarded += thrown;
                }
            }
        }
    }
}
