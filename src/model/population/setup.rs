//! Building the initial world from validated parameters.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::energy::{EnergyBuilds, EnergySystem, Grid, Vintages};
use crate::model::housing::Dwellings;
use crate::model::kernel::components::*;
use crate::model::kernel::decisions::Values;
use crate::model::kernel::goods::{Good, Headcount, N_GOODS};
use crate::model::kernel::households::{Household, Households};
use crate::model::kernel::params::economy::{InputAgreements, MAX_LEAD_DAYS};
use crate::model::kernel::params::energy::Source;
use crate::model::kernel::params::{N_SECTORS, Params, Sector};
use crate::model::kernel::regions::{Regions, Urban};
use crate::model::kernel::rng::{Purpose, standard_normal, stream};
use crate::model::kernel::technology::Economy;

/// The components every person is spawned with.
pub(crate) type PersonBundle = (Member, Person, Vocation, Work, Draws);

/// A person drawn by [`draw_person`] with their values, which each caller draws after the
/// person from a stream of its own.
pub(crate) fn with_values(mut person: PersonBundle, values: Values) -> PersonBundle {
    person.4.values = values;
    person
}

pub(crate) fn draw_person(rng: &mut ChaCha8Rng, params: &Params, community: u32) -> PersonBundle {
    let pop = &params.population;
    let labour = &params.labour;
    let u: f64 = rng.random();
    let age = if u < pop.child_share {
        AgeClass::Child
    } else if u < pop.child_share + pop.elder_share {
        AgeClass::Elder
    } else {
        AgeClass::Adult
    };
    let health = if rng.random::<f64>() < pop.incapacitated_share {
        HealthState::Incapacitated
    } else {
        HealthState::Well
    };
    let mut draws = Draws {
        willing_z: standard_normal(rng) as f32,
        garden_u: f32::NAN,
        unemployed: false,
        values: Values([f32::NAN; 3]),
    };
    let mut skill = [0.0f32; N_SECTORS];
    let mut appeal = [0.0f32; N_SECTORS];
    for s in 0..N_SECTORS {
        skill[s] = rng.random_range(labour.min_skill..=1.0) as f32;
        appeal[s] = rng.random::<f32>();
    }
    if age != AgeClass::Child {
        draws.garden_u = Draws::unit(rng.random::<f64>());
    }
    let gardener = draws.gardener(params.food.garden_share);
    let vocation = Vocation {
        willing: draws.willing(labour, age),
        skill,
        appeal: Appeal::from_levels(appeal),
    };
    (
        Member(community),
        Person {
            health,
            gardener,
            skill_total: vocation.skill_total(),
            ..Person::well(age)
        },
        vocation,
        Work::default(),
        draws,
    )
}

/// A community's installations and storage at the start, for `persons` members.
fn energy_system(
    rng: &mut ChaCha8Rng,
    params: &Params,
    persons: f64,
    factor_override: f64,
) -> EnergySystem {
    let mut system = EnergySystem {
        storage_kwh: params.energy.storage_kwh_per_person * persons,
        ..Default::default()
    };
    for source in Source::ALL {
        let spread = params.energy.capacity_spread;
        let factor = 1.0 + spread * (2.0 * rng.random::<f64>() - 1.0);
        system.capacity_kw[source as usize] =
            params.energy.source(source).kw_per_person * persons * factor * factor_override;
    }
    // Storage starts half full.
    system.stored_kwh = system.storage_kwh / 2.0;
    system
}

/// Inserts the [`Regions`] resource and spawns regions (each with its energy grid), communities
/// with their land, store-rooms and syndicates, and their members.
pub fn populate(world: &mut World, params: &Params, economy: &Economy, seed: u64) {
    let pop = &params.population;
    let regions = Regions::of_params(params);
    // Resources before persons (see `Simulation::new`): those known only after the persons are
    // spawned are inserted now and replaced, on the same entities, at the end.
    world.insert_resource(regions);
    world.insert_resource(Urban::of_params(params));
    world.insert_resource(crate::model::kernel::regions::Settled::of_sizes(
        &params.community_sizes(seed),
        seed,
    ));
    world.insert_resource(Directory::default());
    world.insert_resource(super::wants::WantSerial { seed, next: 0 });
    world.insert_resource(Households::default());
    crate::model::kernel::ledger::insert_ledgers(world, pop.communities as usize);
    for (id, members) in regions.all().enumerate() {
        world.spawn((
            Region {
                id: id as u32,
                first: members.start as u32,
                count: members.len() as u32,
            },
            Grid::default(),
        ));
    }
    let mut directory = Directory::default();
    let adult_kg = params.adult_need_kg();
    let sizes = params.community_sizes(seed);
    let overrides = pop.overrides_by_community();
    let mut serial = super::wants::WantSerial { seed, next: 0 };
    let mut households = Households::default();
    let urban_needs = !pop.urban_needs.is_empty();
    for c in 0..pop.communities {
        let mut rng = stream(seed, Purpose::Setup, u64::from(c));
        let own = overrides[c as usize];
        let mut persons: Vec<_> = (0..sizes[c as usize])
            .map(|_| draw_person(&mut rng, params, c))
            .collect();
        // Adults given no work (the status quo's unemployment), from a stream of their own so
        // that the other draws do not shift.
        let unemployed = params.market.unemployed_share;
        if unemployed > 0.0 {
            let mut draws = stream(seed, Purpose::Unemployment, u64::from(c));
            for (_, person, vocation, _, kept) in persons.iter_mut() {
                if person.age == AgeClass::Adult && draws.random::<f64>() < unemployed {
                    vocation.willing = 0.0;
                    kept.unemployed = true;
                }
            }
        }
        if let Some(table) = params
            .demography
            .derived
            .as_deref()
            .filter(|_| params.demography.enabled)
        {
            super::demography::found(params, table, seed, c, &mut persons);
        }
        // Households from a stream of their own, after ages are drawn.
        let homes = pop.households().then(|| {
            let mut draws = stream(seed, Purpose::Households, u64::from(c));
            let grown: Vec<bool> = persons
                .iter()
                .map(|(_, p, ..)| p.age != AgeClass::Child)
                .collect();
            households.form(&mut draws, params, c, &grown)
        });
        let mut headcount = Headcount::default();
        for (_, p, ..) in &persons {
            headcount.add(p);
        }
        let children = headcount.children;
        let n = f64::from(sizes[c as usize]);
        let daily_need = adult_kg * ((n - children) + children * params.food.child_need_factor);
        let spread = params.food.arable_spread;
        let land_factor = 1.0 + spread * (2.0 * rng.random::<f64>() - 1.0);
        let mut need = params.goods.final_need(&headcount);
        // With wants, each person's wants are drawn now, in spawn order, and the stores and the
        // syndicates' first forecasts are sized on what the members want.
        let wants: Vec<Wants> = if params.economy.wants() {
            let wants: Vec<Wants> = persons.iter().map(|_| serial.draw(params)).collect();
            let mut wanted = [0.0; N_GOODS];
            for ((_, person, ..), w) in persons.iter().zip(&wants) {
                let own = super::wants::own_need(params, person);
                for g in 0..N_GOODS {
                    wanted[g] += own[g] * f64::from(w.factor[g]);
                }
            }
            for good in Good::ALL.iter().filter(|g| **g != Good::Housing) {
                need[good.index()] = wanted[good.index()];
            }
            wants
        } else {
            Vec::new()
        };
        params.population.scale_urban_needs(
            urban_needs && params.population.urban.contains(&c),
            &mut need,
        );
        let gross = economy.gross_output(&need);
        let mut stocks = Stocks::default();
        for good in Good::ALL {
            if good.storable() {
                stocks.0[good.index()] =
                    params.goods.get(*good).initial_stock_days * gross[good.index()];
            }
        }
        let mut values_rng = stream(seed, Purpose::Values, u64::from(c));
        if params.economy.wants() {
            // Persons with wants carry them from the start (each from a stream of their own).
            let persons: Vec<_> = persons
                .into_iter()
                .zip(wants)
                .map(|(p, w)| (with_values(p, Values::draw(&mut values_rng)), w))
                .collect();
            spawn_homed(world, persons, homes.as_deref());
        } else {
            spawn_homed(
                world,
                persons
                    .into_iter()
                    .map(|p| with_values(p, Values::draw(&mut values_rng))),
                homes.as_deref(),
            );
        }
        let system = energy_system(&mut rng, params, n, own.energy_factor.unwrap_or(1.0));
        let community = world
            .spawn((
                Community {
                    id: c,
                    region: regions.of(c as usize) as u32,
                },
                Land {
                    arable_ha: n
                        * own
                            .arable_ha_per_person
                            .unwrap_or(params.food.arable_ha_per_person)
                        * land_factor,
                },
                StoreRoom {
                    food_kg: daily_need * params.food.initial_stock_days,
                },
                stocks,
                ExchangeStore::default(),
                Agreement::default(),
                system,
                Vintages::new(&params.energy, &system),
                EnergyBuilds::default(),
                Dwellings {
                    m2: own.m2_per_person.unwrap_or(params.dwellings.m2_per_person) * n,
                    ..Default::default()
                },
            ))
            .id();
        let farm = world
            .spawn((
                Syndicate {
                    community: c,
                    sector: Sector::Agriculture,
                },
                FarmPlan::default(),
            ))
            .id();
        let kitchen = world
            .spawn((
                Syndicate {
                    community: c,
                    sector: Sector::Kitchen,
                },
                KitchenState {
                    forecast_kg: daily_need * params.food.kitchen_share
                        / (1.0 - params.food.plate_waste_share),
                    ..Default::default()
                },
            ))
            .id();
        // A syndicate for every good; those of storable goods not yet created when the
        // assemblies create them as the need arises.
        let uncreated = params.assembly.enabled && !params.assembly.syndicates_from_start;
        // Under standing agreements the store starts agreed to take `agreement_share` of the
        // first day's requests of each good but energy (and the global syndicate's devices), and
        // each syndicate starts expecting only the orders beyond the firm ones.
        let agreements = params.economy.standing_agreements;
        let (agreed, beyond, firm) = if agreements {
            let global = params.global.global();
            let agreed: [f64; N_GOODS] = std::array::from_fn(|g| {
                let good = Good::ALL[g];
                if good == Good::Energy || (global && good == Good::Devices) {
                    0.0
                } else {
                    params.economy.agreement_share * need[g]
                }
            });
            let firm = economy.gross_output(&std::array::from_fn(|g| {
                if uncreated && Good::ALL[g].storable() {
                    0.0
                } else {
                    agreed[g]
                }
            }));
            let beyond: [f64; N_GOODS] = std::array::from_fn(|g| (gross[g] - firm[g]).max(0.0));
            (agreed, beyond, firm)
        } else {
            ([0.0; N_GOODS], gross, [0.0; N_GOODS])
        };
        // Under `input_agreements = "assemblies"` each syndicate starts agreed to take the
        // inputs the firm output takes, `A[i][j] X[j]`: the orders of the `follow` rule.
        let own = agreements && params.economy.input_agreements == InputAgreements::Assemblies;
        let goods: [Entity; N_GOODS] = std::array::from_fn(|g| {
            let good = Good::ALL[g];
            let standing = if uncreated && good.storable() {
                Standing::Uncreated
            } else {
                Standing::Active
            };
            // Under local planning it starts expecting what the first day's need takes, with
            // that much a day already in production.
            let mut ordering = Ordering {
                forecast: beyond[g],
                requests: need[g],
                agreed: agreed[g],
                ..Default::default()
            };
            if good.storable() {
                let lead = (params.economy.lead_days as usize).min(MAX_LEAD_DAYS);
                ordering.in_production[..lead].fill(gross[g]);
            }
            let syndicate = (
                Syndicate {
                    community: c,
                    sector: Sector::Making(good),
                },
                standing,
                ordering,
            );
            if own {
                let mut inputs = Inputs::default();
                for i in 0..N_GOODS {
                    inputs.agreed[i] = economy.a[i][g] * firm[g];
                }
                inputs.placed = inputs.agreed;
                world.spawn((syndicate, inputs)).id()
            } else {
                world.spawn(syndicate).id()
            }
        });
        directory.goods.push(goods);
        directory.communities.push(community);
        directory.farms.push(farm);
        directory.kitchens.push(kitchen);
    }
    let urban = Urban::of_params(params);
    if urban.any() {
        share_out_land(world, &directory, &regions, &urban, pop.urban_land_share);
    }
    world.insert_resource(urban);
    world.insert_resource(crate::model::kernel::regions::Settled::of_sizes(
        &sizes, seed,
    ));
    world.insert_resource(directory);
    world.insert_resource(serial);
    world.insert_resource(households);
}

/// Spawns `persons`, each in their household if `homes` gives them (one id each, in order).
pub(crate) fn spawn_homed<B: Bundle<Effect: bevy_ecs::bundle::NoBundleEffect>>(
    world: &mut World,
    persons: impl IntoIterator<Item = B>,
    homes: Option<&[u32]>,
) {
    match homes {
        Some(homes) => {
            world.spawn_batch(
                persons
                    .into_iter()
                    .zip(homes)
                    .map(|(p, &h)| (p, Household(h))),
            );
        }
        None => {
            world.spawn_batch(persons);
        }
    }
}

/// Urban communities keep `keep` of the land their residents were given; the rest of it goes to
/// the rural communities of their region in proportion to their own land, so each region's land
/// is unchanged. A region with no rural land keeps its urban land where it is.
fn share_out_land(
    world: &mut World,
    directory: &Directory,
    regions: &Regions,
    urban: &Urban,
    keep: f64,
) {
    for members in regions.all() {
        let land = |world: &World, c: usize| {
            world
                .get::<Land>(directory.communities[c])
                .map_or(0.0, |l| l.arable_ha)
        };
        let (mut moved, mut rural) = (0.0, 0.0);
        for c in members.clone() {
            if urban.is(c) {
                moved += land(world, c) * (1.0 - keep);
            } else {
                rural += land(world, c);
            }
        }
        if moved <= 0.0 || rural <= 0.0 {
            continue;
        }
        for c in members {
            let own = land(world, c);
            let arable_ha = if urban.is(c) {
                own * keep
            } else {
                own + moved * own / rural
            };
            world
                .entity_mut(directory.communities[c])
                .insert(Land { arable_ha });
        }
    }
}
