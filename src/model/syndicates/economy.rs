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
use crate::model::kernel::calendar::Clock;
use crate::model::kernel::components::{
    Agreement, Directory, ExchangeStore, Inputs, Ordering, Standing, Stocks,
};
use crate::model::kernel::goods::Headcount;
use crate::model::kernel::goods::{Good, N_GOODS, SHORT, mul};
use crate::model::kernel::ledger::{
    BuildDay, Days, EnergyDay, FoodDay, GoodsDay, GuildDay, LabourDay, PeopleDay, RailDay,
};
use crate::model::kernel::params::economy::{
    InputAgreements, LongerBy, MAD_TO_SD, Planning, Shortfall,
};
use crate::model::kernel::params::{Params, Sector};
use crate::model::kernel::regions::Regions;
use crate::model::kernel::rng::{RequestRngs, standard_normal};
use crate::model::kernel::technology::Economy;
use crate::model::learning::Knowledge;
use crate::model::rail::links::RailUpkeep;
use crate::model::syndicates::global::device_targets;

/// Each community's syndicates plan today's output and post the hours it takes; the rail
/// syndicate (transport) also posts the upkeep of its lines. Under global device making, the
/// global syndicate's target replaces each community's own plan for devices (see
/// [`super::global`]), and the data network's upkeep is booked to every community's devices
/// sector. Labour per unit is divided by the technology level research has reached.
///
/// What a community requests is its members' need (with `economy.wants_cv` or
/// `economy.optional_goods`, the sum of their need times their want factors,
/// `population::wants`), varied day to day by `economy.request_cv`.
/// How much each syndicate makes of it is `economy.planning`'s: [`plan_perfect`] or
/// [`plan_local`].
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
    (mut requests, clock): (ResMut<RequestRngs>, Res<Clock>),
    mut stocks: Query<(&Stocks, &ExchangeStore, &mut Agreement)>,
    mut syndicates: Query<(&Standing, &mut Ordering, Option<&mut Inputs>)>,
) {
    let clothing = Good::Clothing.index();
    let global = params.global.global();
    if global {
        let held: Vec<[f64; N_GOODS]> = (0..goods.len())
            .map(|c| {
                stocks
                    .get(directory.communities[c])
                    .map_or([0.0; N_GOODS], |(s, ..)| s.0)
            })
            .collect();
        let targets = device_targets(&params, &regions, &economy, &people, &guilds, &held);
        for (day, target) in goods.iter_mut().zip(targets) {
            day.device_target = target;
        }
    }
    let level = knowledge.level;
    let planning = params.economy.planning;
    let session = planning == Planning::Participatory
        && clock.tick.is_multiple_of(params.economy.plan_days.max(1));
    let cv = params.economy.request_cv;
    // The goods a session lowers first (resolved on session days only: no allocation otherwise).
    let cut_order: Vec<usize> = if session {
        params
            .economy
            .cut_order
            .iter()
            .filter_map(|name| Good::ALL.iter().position(|g| g.name() == name))
            .filter(|&g| g != Good::Housing.index())
            .collect()
    } else {
        Vec::new()
    };
    for (c, day) in goods.iter_mut().enumerate() {
        let (who, guild) = (&people[c], &mut guilds[c]);
        let (stock, exchange, agreement) = stocks
            .get(directory.communities[c])
            .map_or(([0.0; N_GOODS], 0.0, Agreement::default()), |(s, e, a)| {
                (s.0, e.garments, *a)
            });
        // What the members want: their need by headcount, or their need times their want
        // factors (dwellings are kept in repair whatever anyone wants).
        let mut need = who.requested(&params);
        // Members' need as it is expected, before the day's variation: what perfect planning
        // sizes reserves on.
        let mut expected = need;
        // What the community requests: its members' need, give or take the day's variation.
        if cv > 0.0 {
            let rng = &mut requests.0[c];
            // (Dwellings are kept in repair whatever the day.)
            for good in Good::ALL.iter().filter(|g| **g != Good::Housing) {
                let e = standard_normal(rng) * cv;
                need[good.index()] *= (1.0 + e).max(0.0);
            }
        }
        for need in [&mut need, &mut expected] {
            need[Good::Energy.index()] += food[c].cooking_kwh + rail[c].freight_kwh;
            if global {
                let persons = f64::from(who.persons);
                need[Good::Energy.index()] +=
                    persons * params.global.data_network_kwh_per_person_day;
            }
        }
        if global {
            let persons = f64::from(who.persons);
            day.data_network_kwh = persons * params.global.data_network_kwh_per_person_day;
            day.data_network_hours =
                persons * params.global.data_network_hours_per_person_year / 365.0;
        }
        day.need = need;
        // Garments waiting in the exchange store are taken before new ones are made.
        need[clothing] -= need[clothing].min(exchange);
        expected[clothing] -= expected[clothing].min(exchange);
        let own = directory.goods[c];
        // Under participatory planning the community asks for the share of its members'
        // requests it agreed at its last planning session (dwellings are kept whatever it is).
        let mut agreement = agreement;
        if session {
            let longer = match params.economy.shortfall {
                Shortfall::Less => 0.0,
                Shortfall::Longer => params.economy.longer_hours,
                Shortfall::Vote if agreement.longer => params.economy.longer_hours,
                Shortfall::Vote => 0.0,
            };
            let (agreed, outcome) = plan_session(
                &params,
                &economy,
                level,
                &expected_wanted(
                    &economy,
                    &expected,
                    &guild.made,
                    builds[c].build_materials_t,
                    global,
                ),
                &who.headcount,
                labour[c].posted.iter().sum::<f64>()
                    + day.data_network_hours
                    + upkeep.0.get(c).copied().unwrap_or(0.0)
                    + builds[c].build_hours,
                longer,
                &cut_order,
            );
            agreement.scale = outcome.scales;
            agreement.kept = outcome.scale;
            agreement.extra = outcome.extra;
            agreement.needed = outcome.needed;
            day.planning_rounds = outcome.rounds;
            day.planning_unagreed = !outcome.agreed;
            day.planning_hours =
                f64::from(outcome.rounds) * params.economy.round_hours * (N_GOODS + 1) as f64;
            if let Ok((.., mut a)) = stocks.get_mut(directory.communities[c]) {
                *a = agreement;
            }
            for g in 0..N_GOODS {
                if let Ok((_, mut o, _)) = syndicates.get_mut(own[g]) {
                    o.forecast = agreed[g];
                }
            }
        }
        day.request_scale = agreement.kept;
        day.extra_hours = agreement.extra;
        if planning == Planning::Participatory {
            for good in Good::ALL.iter().filter(|g| **g != Good::Housing) {
                need[good.index()] *= agreement.scale[good.index()];
                day.need[good.index()] *= agreement.scale[good.index()];
            }
            // Working longer: each willing member's day stretches by the agreed extra hours.
            labour[c].extra_willing = [
                agreement.extra as f32,
                (agreement.extra * params.labour.elder_willingness) as f32,
            ];
            labour[c].max_willing = params.labour.max_hours_per_day as f32;
            // By rota, members take turns (`economy.longer_by`, or the way the assembly chose).
            let cycle = match params.economy.longer_by {
                LongerBy::Rota => params.economy.longer_rota_days.max(1),
                LongerBy::Vote if agreement.by_rota => params.economy.longer_rota_days.max(1),
                LongerBy::Everyone | LongerBy::Vote => 0,
            };
            labour[c].rota_cycle = cycle as u16;
            labour[c].rota_turn = clock.tick.checked_rem(cycle).unwrap_or(0) as u16;
        }
        // What guilds offered the store yesterday they are expected to offer again. The
        // materials and energy their agreement promised them are asked of the syndicates too,
        // as are the construction goods of what is being built. (The global device target
        // already counts the world's guild offers.)
        let guild_inputs = mul(&economy.a, &guild.made);
        let guild_made = std::mem::take(&mut guild.made);
        let build = builds[c].build_materials_t;
        let mut wanted = need;
        for g in 0..N_GOODS {
            if !(global && g == Good::Devices.index()) {
                wanted[g] = (wanted[g] - guild_made[g]).max(0.0);
            }
            wanted[g] += guild_inputs[g];
        }
        wanted[Good::Construction.index()] += build;
        day.required = economy.gross_output(&wanted);
        // A syndicate its assembly idled makes nothing until it is resumed; its users draw on
        // the store. (The global device syndicate is not the community's to idle.)
        let idle: [bool; N_GOODS] = std::array::from_fn(|g| {
            syndicates.get(own[g]).is_ok_and(|(s, ..)| s.idle())
                && !(global && g == Good::Devices.index())
        });
        let target = global.then_some(day.device_target);
        let mut planned = if planning != Planning::Perfect {
            let mut orderings = [Ordering::default(); N_GOODS];
            // Their input agreements, where they have them (`economy.input_agreements =
            // "assemblies"`); all zero otherwise, as the rule's functions then never read them.
            let mut inputs = [Inputs::default(); N_GOODS];
            for g in 0..N_GOODS {
                if let Ok((_, o, q)) = syndicates.get(own[g]) {
                    orderings[g] = *o;
                    if let Some(q) = q {
                        inputs[g] = *q;
                    }
                }
            }
            // A community short of a good for `restate_after_days` in a row re-states its
            // request: the syndicate forecasts at least what today's requests take.
            let k = params.economy.restate_after_days;
            if k > 0 && planning == Planning::Local {
                for g in 0..N_GOODS {
                    let o = &mut orderings[g];
                    if o.short_days > 0 && o.short_days.is_multiple_of(k) {
                        o.forecast = o.forecast.max(day.required[g]);
                        o.requests = o.requests.max(wanted[g]);
                        day.restated += 1;
                    }
                }
            }
            let mut firm = None;
            if params.economy.standing_agreements {
                // Revisions whose notice ends today come into force before the plans.
                for o in orderings.iter_mut() {
                    day.agreements_revised += u32::from(o.settle(clock.tick));
                }
                let own = params.economy.input_agreements == InputAgreements::Assemblies;
                if own {
                    for q in inputs.iter_mut() {
                        for i in 0..N_GOODS {
                            day.input_agreements_revised += u32::from(q.settle(i, clock.tick));
                        }
                    }
                }
                let own = own.then_some(&inputs);
                let f = Firm::new(&economy, &orderings, &idle, global, clock.tick, own);
                for g in (0..N_GOODS).filter(|&g| g != Good::Energy.index()) {
                    day.agreed_hours += f.agreed[g] * economy.labour[g];
                    day.requested_hours += wanted[g] * economy.labour[g];
                }
                firm = Some(f);
            }
            let planned = plan_local(
                &params,
                &economy,
                &wanted,
                &stock,
                &idle,
                target,
                &mut orderings,
                &mut inputs,
                firm.as_ref(),
            );
            for g in 0..N_GOODS {
                if let Ok((_, mut o, q)) = syndicates.get_mut(own[g]) {
                    *o = orderings[g];
                    if let Some(mut q) = q {
                        *q = inputs[g];
                    }
                }
            }
            planned
        } else {
            plan_perfect(
                &params,
                &economy,
                &need,
                &expected,
                &guild_made,
                &guild_inputs,
                build,
                &stock,
                target,
                day,
            )
        };
        for g in 0..N_GOODS {
            if idle[g] {
                planned[g] = 0.0;
            }
        }
        day.planned = planned;
        for good in Good::ALL {
            let s = Sector::Making(*good).index();
            let mut hours = day.planned[good.index()] * economy.labour[good.index()] / level;
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

/// What a community asks of its syndicates at the need expected before the day's variation:
/// net of what guilds offer, plus the guilds' inputs and the building materials.
fn expected_wanted(
    economy: &Economy,
    expected: &[f64; N_GOODS],
    guild_made: &[f64; N_GOODS],
    build: f64,
    global: bool,
) -> [f64; N_GOODS] {
    let inputs = mul(&economy.a, guild_made);
    let mut wanted = *expected;
    for g in 0..N_GOODS {
        if !(global && g == Good::Devices.index()) {
            wanted[g] = (wanted[g] - guild_made[g]).max(0.0);
        }
        wanted[g] += inputs[g];
    }
    wanted[Good::Construction.index()] += build;
    wanted
}

/// How a participatory planning session ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Session {
    /// Share of the hours the stated requests take that the agreed requests take (under a
    /// proportional cut, the share of every request agreed).
    pub scale: f64,
    /// Share of each good's stated request agreed.
    pub scales: [f64; N_GOODS],
    /// Extra hours a day each willing adult agreed to give (elders their share).
    pub extra: f64,
    /// Extra hours a day each willing adult would have had to give for every request to be met.
    pub needed: f64,
    /// Rounds held.
    pub rounds: u32,
    /// Whether the hours asked came within `economy.tolerance` of the hours offered.
    pub agreed: bool,
}

/// A participatory planning session (in the spirit of Pequod): the community states its
/// requests for the coming days (`wanted`, at the need it expects); its syndicates answer with
/// the hours that takes, `l (I - A)^-1 R` at today's technology plus the hours already
/// committed (`committed`: food, building, upkeep); the members offer their willing hours (the
/// adults' mean willingness, elders' share of it), and up to `longer` hours a day more each if
/// the community works longer (only what the requests need). While the hours asked exceed those
/// offered by more than `economy.tolerance`, the community lowers its requests to close
/// `economy.revision` of the gap: all in proportion, or, with `order` (indices of goods), the
/// first good's down to nothing before the next's. They meet again, up to `economy.round_limit`
/// rounds. Returns each good's agreed daily output and how the session ended.
#[allow(clippy::too_many_arguments)]
pub fn plan_session(
    params: &Params,
    economy: &Economy,
    level: f64,
    wanted: &[f64; N_GOODS],
    headcount: &Headcount,
    committed: f64,
    longer: f64,
    order: &[usize],
) -> ([f64; N_GOODS], Session) {
    let p = &params.economy;
    let l = &params.labour;
    let offered = (headcount.adults - headcount.ill).max(0.0) * l.willing_hours_mean
        + headcount.elders * l.elder_willingness * l.willing_hours_mean;
    let mut room = (offered - committed).max(0.0);
    let hours = |x: &[f64; N_GOODS]| -> f64 {
        (0..N_GOODS).map(|g| x[g] * economy.labour[g] / level).sum()
    };
    // Willing members, elders counted at their share; what working longer could add.
    let willing =
        (headcount.adults - headcount.ill).max(0.0) + headcount.elders * l.elder_willingness;
    let asked_full = hours(&economy.gross_output(wanted));
    let needed = if willing > 0.0 {
        ((asked_full - room) / willing).max(0.0)
    } else {
        0.0
    };
    let extra = needed.min(longer.max(0.0));
    if extra > 0.0 {
        room += extra * willing;
    }
    // Hours one unit of each good's request takes, through the inputs it needs.
    let embodied: [f64; N_GOODS] = std::array::from_fn(|g| {
        if order.contains(&g) {
            let mut unit = [0.0; N_GOODS];
            unit[g] = 1.0;
            hours(&economy.gross_output(&unit))
        } else {
            0.0
        }
    });
    let mut scale = 1.0;
    let mut scales = [1.0; N_GOODS];
    let mut session = Session {
        scale,
        scales,
        extra,
        needed,
        rounds: 0,
        agreed: false,
    };
    let mut output = [0.0; N_GOODS];
    for round in 1..=p.round_limit.max(1) {
        output = if order.is_empty() {
            economy.gross_output(&wanted.map(|w| w * scale))
        } else {
            economy.gross_output(&std::array::from_fn(|g| wanted[g] * scales[g]))
        };
        let asked = hours(&output);
        session = Session {
            scale: if order.is_empty() {
                scale
            } else if asked_full > 0.0 {
                asked / asked_full
            } else {
                1.0
            },
            scales: if order.is_empty() {
                [scale; N_GOODS]
            } else {
                scales
            },
            extra,
            needed,
            rounds: round,
            agreed: asked <= room * (1.0 + p.tolerance),
        };
        if session.agreed || round == p.round_limit {
            break;
        }
        if order.is_empty() {
            scale *= 1.0 - p.revision * (1.0 - room / asked);
        } else {
            // The hours to give up this round, taken from the goods in order.
            let mut cut = p.revision * (asked - room);
            for &g in order {
                let takes = embodied[g] * wanted[g] * scales[g];
                if takes <= 0.0 {
                    continue;
                }
                let c = cut.min(takes);
                scales[g] *= 1.0 - c / takes;
                cut -= c;
                if cut <= 0.0 {
                    break;
                }
            }
        }
    }
    (output, session)
}

/// Perfect planning: the gross output that meets today's requests `need` (net of garments in
/// the exchange store) and tops every storable good up to its reserve (days of the gross use of
/// the need `expected` before the day's variation), less what guilds offer,
/// plus the guilds' inputs and the building materials (`build`, t), solved exactly
/// through the Leontief inverse, less what is in store beyond the reserve. `device_target` is
/// the global device syndicate's share for this community, where there is one. Records what was
/// made beyond the want (`market.overproduction`).
#[allow(clippy::too_many_arguments)]
fn plan_perfect(
    params: &Params,
    economy: &Economy,
    need: &[f64; N_GOODS],
    expected: &[f64; N_GOODS],
    guild_made: &[f64; N_GOODS],
    guild_inputs: &[f64; N_GOODS],
    build: f64,
    stock: &[f64; N_GOODS],
    device_target: Option<f64>,
    day: &mut GoodsDay,
) -> [f64; N_GOODS] {
    let devices = Good::Devices.index();
    let global = device_target.is_some();
    // Gross use at the need expected today, to size the reserves of intermediate goods too.
    let gross = economy.gross_output(expected);
    let mut demand = [0.0; N_GOODS];
    let overproduction = params.market.overproduction;
    for good in Good::ALL {
        let g = good.index();
        demand[g] = if let (Some(wanted), true) = (device_target, g == devices) {
            // The global syndicate's share for this workshop (0 elsewhere).
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
    for g in 0..N_GOODS {
        if !(global && g == devices) {
            demand[g] = (demand[g] - guild_made[g]).max(0.0);
        }
        demand[g] += guild_inputs[g];
    }
    demand[Good::Construction.index()] += build;
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
    planned
}

/// Local planning: each syndicate decides from what it knows (its [`Ordering`]: the orders it
/// received up to yesterday, what it has in production) and its own stock, then learns today's
/// orders for tomorrow.
/// - Its forecast `F` is the exponential smoothing of the orders it received (with
///   `economy.share_requests`, the gross output the smoothed requests of the community take,
///   `(I - A)^-1 R`, the same for every syndicate).
/// - A storable good is made up to a target of `F` times its reserve days plus the lead time:
///   `F + (target - stock - in production) / stock_adjust_days`, at least 0 (order-up-to).
/// - A service is made to the forecast plus `economy.safety_factor` standard deviations of its
///   forecast error: what is made and not used is given up, and a shortfall goes unmet.
/// - With `economy.syndicate_assemblies`, the reserve days and the safety factor are scaled by
///   the target its workers decided (`Ordering::target_steps`).
/// - Energy is balanced on the day (the grid's dispatch): the homes' request plus the inputs
///   the other syndicates' plans take.
/// - Each syndicate orders its inputs, `A[i][j]` per unit, from the syndicates that make them;
///   those orders, with the store's, are what each learns today.
/// - With `economy.standing_agreements` (`firm`), the gross output the store's agreed amounts
///   take, `X = (I - A)^-1 S` (the store's own firm orders and the input orders the syndicates
///   agreed for them), is known: `F` is `X` plus the forecast of the orders beyond the firm
///   ones, and a storable good's target counts the firm orders over its days of cover as they
///   are known today, revisions included.
#[allow(clippy::too_many_arguments)]
fn plan_local(
    params: &Params,
    economy: &Economy,
    wanted: &[f64; N_GOODS],
    stock: &[f64; N_GOODS],
    idle: &[bool; N_GOODS],
    device_target: Option<f64>,
    orderings: &mut [Ordering; N_GOODS],
    agreements: &mut [Inputs; N_GOODS],
    firm: Option<&Firm>,
) -> [f64; N_GOODS] {
    let p = &params.economy;
    let a = &economy.a;
    let e = Good::Energy.index();
    let devices = Good::Devices.index();
    // Under participatory planning the forecast is the output agreed at the last session.
    let agreed = p.planning == Planning::Participatory;
    let forecast: [f64; N_GOODS] = if p.share_requests && !agreed {
        economy.gross_output(&std::array::from_fn(|g| orderings[g].requests))
    } else {
        std::array::from_fn(|g| orderings[g].forecast)
    };
    let lead = p.lead_days as f64;
    let mut planned = [0.0; N_GOODS];
    for good in Good::ALL {
        let g = good.index();
        planned[g] = if g == e || idle[g] {
            0.0
        } else if let (Some(target), true) = (device_target, g == devices) {
            target
        } else if good.storable() {
            let mut reserve = params.goods.get(*good).reserve_days;
            if p.syndicate_assemblies {
                reserve *= p.target_factor(orderings[g].target_steps);
            }
            let position = stock[g] + orderings[g].pipeline();
            if let Some(firm) = firm {
                let days = reserve + lead;
                let target = firm.ahead(g, days) + forecast[g] * days;
                (firm.now[g] + forecast[g] + (target - position) / p.stock_adjust_days).max(0.0)
            } else {
                let target = forecast[g] * (reserve + lead);
                (forecast[g] + (target - position) / p.stock_adjust_days).max(0.0)
            }
        } else {
            let mut safety = p.safety_factor;
            if p.syndicate_assemblies {
                safety *= p.target_factor(orderings[g].target_steps);
            }
            let firm = firm.map_or(0.0, |f| f.now[g]);
            firm + forecast[g] + safety * MAD_TO_SD * orderings[g].error
        };
    }
    if !idle[e] {
        let others: f64 = (0..N_GOODS)
            .filter(|&j| j != e)
            .map(|j| a[e][j] * planned[j])
            .sum();
        planned[e] = (wanted[e] + others) / (1.0 - a[e][e]).max(1e-9);
    }
    let inputs = mul(a, &planned);
    let alpha = p.smoothing;
    // The input orders agreed for the firm output (`A X`, or the syndicates' own agreements).
    let firm_inputs = firm.map(|f| f.inputs);
    for g in 0..N_GOODS {
        let o = &mut orderings[g];
        let orders = match (firm, &firm_inputs) {
            // What it learns is the orders beyond the firm ones: the store's requests beyond
            // its agreed amount (it takes that amount on a day it requests less) and the input
            // orders beyond those agreed.
            (Some(f), Some(fi)) => {
                (wanted[g] - f.agreed[g]).max(0.0) + (inputs[g] - fi[g]).max(0.0)
            }
            _ => wanted[g] + inputs[g],
        };
        o.error += alpha * ((orders - o.forecast).abs() - o.error);
        if !agreed {
            o.forecast += alpha * (orders - o.forecast);
        }
        o.requests += alpha * (wanted[g] - o.requests);
    }
    if p.input_agreements == InputAgreements::Assemblies {
        // The input orders each syndicate placed, smoothed: what its workers would agree to.
        for j in 0..N_GOODS {
            let o = &mut agreements[j];
            for i in 0..N_GOODS {
                o.placed[i] += alpha * (a[i][j] * planned[j] - o.placed[i]);
            }
        }
    }
    planned
}

/// What a community's syndicates know of the firm orders under standing agreements
/// (`economy.standing_agreements`): the store's agreed amounts in force today and the gross
/// output they take, today and over the days ahead, revisions included.
///
/// Under `economy.input_agreements = "follow"` the firm input orders are those the gross output
/// takes, `A X`. Under `"assemblies"` they are the syndicates' own agreements, `Q[i][j]` of good
/// `i` a day to syndicate `j` (`Inputs::agreed`), and syndicate `i`'s firm orders are the
/// store's amount and those, `S[i] + sum_j Q[i][j]`: computed as `X[i] + (sum_j Q[i][j] -
/// (A X)[i])`, which is the same sum and, while every agreement is still the one `A X` made at
/// the start, the `follow` figure to the bit.
#[derive(Clone, Debug)]
pub struct Firm {
    /// The store's agreed amounts in force today (0 for an idle syndicate, energy and the
    /// global syndicate's devices).
    pub agreed: [f64; N_GOODS],
    /// The firm orders each syndicate has today: `(I - A)^-1 S` (`follow`), or the store's and
    /// the other syndicates' agreed amounts (`assemblies`).
    pub now: [f64; N_GOODS],
    /// The firm input orders in `now`: `A X`, or `sum_j Q[i][j]`.
    pub inputs: [f64; N_GOODS],
    /// From each day ahead a revision comes into force (days from today, ascending), the
    /// firm orders then.
    later: Vec<(u32, [f64; N_GOODS])>,
}

impl Firm {
    /// The amounts agreed with `orderings`' syndicates in force on `day` (today's without).
    fn amounts(
        orderings: &[Ordering; N_GOODS],
        idle: &[bool; N_GOODS],
        global: bool,
        day: Option<u32>,
    ) -> [f64; N_GOODS] {
        std::array::from_fn(|g| {
            let good = Good::ALL[g];
            if idle[g] || good == Good::Energy || (global && good == Good::Devices) {
                0.0
            } else {
                day.map_or(orderings[g].agreed, |d| orderings[g].agreed_on(d))
            }
        })
    }

    /// The firm orders and the firm input orders in them with the agreements in force on `day`
    /// (today's without); `own` the syndicates' own input agreements (`assemblies`), if they
    /// have them.
    fn orders(
        economy: &Economy,
        orderings: &[Ordering; N_GOODS],
        idle: &[bool; N_GOODS],
        global: bool,
        own: Option<&[Inputs; N_GOODS]>,
        day: Option<u32>,
    ) -> ([f64; N_GOODS], [f64; N_GOODS]) {
        let gross = economy.gross_output(&Self::amounts(orderings, idle, global, day));
        let follow = mul(&economy.a, &gross);
        let Some(own) = own else {
            return (gross, follow);
        };
        let mut inputs = [0.0; N_GOODS];
        let mut now = gross;
        for i in 0..N_GOODS {
            inputs[i] = (0..N_GOODS)
                .map(|j| {
                    let o = &own[j];
                    day.map_or(o.agreed[i], |d| o.agreed_on(i, d))
                })
                .sum();
            now[i] += inputs[i] - follow[i];
        }
        (now, inputs)
    }

    /// What a community's syndicates know today of its firm orders (revisions due today
    /// already in force); `own`: the syndicates' own input agreements, under
    /// `economy.input_agreements = "assemblies"`.
    pub fn new(
        economy: &Economy,
        orderings: &[Ordering; N_GOODS],
        idle: &[bool; N_GOODS],
        global: bool,
        today: u32,
        own: Option<&[Inputs; N_GOODS]>,
    ) -> Self {
        let agreed = Self::amounts(orderings, idle, global, None);
        let (now, inputs) = Self::orders(economy, orderings, idle, global, own, None);
        let mut days: Vec<u32> = orderings
            .iter()
            .filter_map(|o| o.revised.map(|(_, from)| from.saturating_sub(today)))
            .chain(
                own.into_iter()
                    .flatten()
                    .flat_map(|o| o.revised.iter().flatten())
                    .map(|(_, from)| from.saturating_sub(today)),
            )
            .filter(|&d| d > 0)
            .collect();
        days.sort_unstable();
        days.dedup();
        let later = days
            .into_iter()
            .map(|d| {
                let day = Some(today + d);
                (
                    d,
                    Self::orders(economy, orderings, idle, global, own, day).0,
                )
            })
            .collect();
        Firm {
            agreed,
            now,
            inputs,
            later,
        }
    }

    /// The firm orders of good `g` over the next `days` days (today first), as known today.
    pub fn ahead(&self, g: usize, days: f64) -> f64 {
        let mut total = 0.0;
        let (mut start, mut rate) = (0.0, self.now[g]);
        for (from, x) in &self.later {
            let from = f64::from(*from);
            if from >= days {
                break;
            }
            total += rate * (from - start);
            (start, rate) = (from, x[g]);
        }
        total + rate * (days - start).max(0.0)
    }
}

/// Most passes made to bring every sector's inputs within what is there.
const INPUT_PASSES: usize = 32;

/// Whether `used` of a good is more than the `there` in store (beyond rounding).
fn exceeds(used: f64, there: f64) -> bool {
    used > there * (1.0 + 1e-12) + 1e-12
}

/// Each sector makes its plan as far as its hours and inputs allow; inputs are used up, and
/// storable output goes to the store.
///
/// Under local planning with a lead time, a storable good is in store `economy.lead_days` after
/// it is made: what falls due today enters the store first, and what is made today goes into
/// production (its inputs are used today).
#[allow(clippy::too_many_arguments)]
pub fn make_goods(
    params: Res<Params>,
    economy: Res<Economy>,
    directory: Res<Directory>,
    labour: Res<Days<LabourDay>>,
    energy: Res<Days<EnergyDay>>,
    mut goods: ResMut<Days<GoodsDay>>,
    mut stocks: Query<&mut Stocks>,
    mut orderings: Query<&mut Ordering>,
    mut inputs: Query<&mut Inputs>,
) {
    let a = &economy.a;
    let lead = match params.economy.planning {
        Planning::Local | Planning::Participatory => params.economy.lead_days as usize,
        Planning::Perfect => 0,
    };
    // Whether what is made today is in store today.
    let at_once: [bool; N_GOODS] = std::array::from_fn(|g| lead == 0 || !Good::ALL[g].storable());
    for (c, day) in goods.iter_mut().enumerate() {
        let (work, power) = (&labour[c], &energy[c]);
        let Ok(mut stock) = stocks.get_mut(directory.communities[c]) else {
            continue;
        };
        if lead > 0 {
            for g in 0..N_GOODS {
                if !at_once[g]
                    && let Ok(mut o) = orderings.get_mut(directory.goods[c][g])
                {
                    stock.0[g] += o.arrive();
                }
            }
        }
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
        let there = |stock: &Stocks, made: &[f64; N_GOODS], i: usize| {
            stock.0[i] + if at_once[i] { made[i] } else { 0.0 }
        };
        // Goods that were not there for every user but the grid.
        let mut held = [false; N_GOODS];
        for pass in 0..=INPUT_PASSES {
            for g in 0..N_GOODS {
                made[g] = planned[g] * rate[g];
            }
            used = mul(a, &made);
            let mut consistent = true;
            for i in 0..N_GOODS {
                let there = there(&stock, &made, i);
                if !exceeds(used[i], there) {
                    continue;
                }
                // The grid does not wait for its inputs (its upkeep, below), so only the other
                // users of good i are held to what is there.
                let others = used[i] - a[i][e] * made[e];
                if exceeds(others, there) {
                    consistent = false;
                    held[i] = true;
                    // Every other sector using good i is curtailed in proportion; on the last
                    // pass they stop, so no stock ever goes negative.
                    let scale = if pass == INPUT_PASSES {
                        0.0
                    } else {
                        there / others
                    };
                    for j in 0..N_GOODS {
                        if a[i][j] > 0.0 && j != e {
                            rate[j] *= scale;
                        }
                    }
                }
            }
            if consistent {
                break;
            }
        }
        let mut emptied = [false; N_GOODS];
        for i in 0..N_GOODS {
            let there = there(&stock, &made, i);
            if exceeds(used[i], there) {
                // The energy syndicate takes what the other users left of good i; the rest of
                // its upkeep waits (the installations keep generating: their wear is
                // `energy.wear`'s, not a day's input).
                used[i] = there;
                emptied[i] = true;
            }
        }
        for g in 0..N_GOODS {
            if at_once[g] {
                stock.0[g] += made[g] - used[g];
            } else {
                stock.0[g] -= used[g];
                if let Ok(mut o) = orderings.get_mut(directory.goods[c][g]) {
                    o.in_production[lead - 1] += made[g];
                    day.in_production[g] = o.pipeline();
                }
            }
            if emptied[g] {
                // All there was is used (`stock + made - used` could round below 0).
                stock.0[g] = 0.0;
            }
        }
        day.made = made;
        day.used = used;
        if params.economy.input_agreements == InputAgreements::Assemblies {
            // What each syndicate's workers saw of their inputs, for their next meeting.
            for j in 0..N_GOODS {
                if let Ok(mut q) = inputs.get_mut(directory.goods[c][j]) {
                    for i in (0..N_GOODS).filter(|&i| held[i] && a[i][j] > 0.0) {
                        q.short[i] += 1;
                    }
                }
            }
        }
        if params.economy.syndicate_assemblies {
            // What each syndicate's workers gave and made, for their next meeting.
            for good in Good::ALL {
                let (g, s) = (good.index(), Sector::Making(*good).index());
                if let Ok(mut o) = orderings.get_mut(directory.goods[c][g]) {
                    o.seen.hours += (work.posted[s] - work.unfilled[s]).max(0.0);
                    o.seen.made += made[g];
                }
            }
        }
    }
}

/// Goods are delivered by need, the same share of need to everyone when short. Services left
/// over are given up.
pub fn deliver_goods(
    params: Res<Params>,
    directory: Res<Directory>,
    mut goods: ResMut<Days<GoodsDay>>,
    mut stocks: Query<(&mut Stocks, &mut ExchangeStore, &Dwellings)>,
    mut orderings: Query<&mut Ordering>,
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
            day.short[g] = delivered < day.need[g] * (1.0 - SHORT);
            if let Ok(mut o) = orderings.get_mut(directory.goods[c][g]) {
                o.short_days = if day.short[g] { o.short_days + 1 } else { 0 };
                day.short_days[g] = o.short_days;
            }
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
            if good.storable() {
                let reserve = params.goods.get(*good).reserve_days * day.required[g];
                day.overstock[g] = (stock.0[g] - reserve).max(0.0);
            }
            if params.economy.standing_agreements
                && let Ok(mut o) = orderings.get_mut(directory.goods[c][g])
            {
                // What the community's members see of the day, for their next meeting.
                o.heard.days += 1;
                o.heard.short_days += u32::from(day.short[g]);
                o.heard.surplus += day.wasted[g] + day.overstock[g];
            }
            if params.economy.syndicate_assemblies
                && let Ok(mut o) = orderings.get_mut(directory.goods[c][g])
            {
                // What the syndicate's workers see of the day, for their next meeting.
                o.seen.days += 1;
                o.seen.short_days += u32::from(day.short[g]);
                o.seen.surplus += day.wasted[g] + day.overstock[g];
            }
        }
    }
}
