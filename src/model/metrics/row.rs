//! The world's figures for one tick, and the declared list of metric columns.
//!
//! Output files, plots, comparisons and the dashboard read metrics through [`COLUMNS`], by the
//! names, units and labels declared here: `declare_row!` makes each field of the row and its
//! column from one line, so a metric is added in exactly one place.

use std::sync::LazyLock;

use bevy_ecs::prelude::Resource;

use crate::model::kernel::goods::{Good, N_GOODS};
use crate::model::kernel::params::{N_SECTORS, Sector};

impl PartialEq for TickMetrics {
    fn eq(&self, other: &Self) -> bool {
        self.tick == other.tick
            && self.day_of_year == other.day_of_year
            && COLUMNS
                .iter()
                .all(|c| (c.get)(self).to_bits() == (c.get)(other).to_bits())
            && self
                .goods_needed
                .iter()
                .chain(&self.goods_delivered)
                .chain(&self.sector_hours)
                .zip(
                    other
                        .goods_needed
                        .iter()
                        .chain(&other.goods_delivered)
                        .chain(&other.sector_hours),
                )
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

/// Whether a column holds whole numbers or reals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
}

/// A declared column of a table of `T` rows (by default, the world's metrics).
pub struct Column<T = TickMetrics> {
    pub name: &'static str,
    pub unit: &'static str,
    pub doc: &'static str,
    /// A short name for chart titles and tables; empty where the doc's first clause serves.
    pub short: &'static str,
    pub kind: Kind,
    pub get: fn(&T) -> f64,
}

// A fn pointer is Copy whatever `T` is, so these need no bound on `T` (a derive would add one).
impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Column<T> {}

impl<T> Column<T> {
    /// What the column is, in a few words, for chart titles and tables: its declared short name,
    /// or else its doc up to the first colon, full stop or semicolon.
    pub fn label(&self) -> String {
        if !self.short.is_empty() {
            return self.short.to_owned();
        }
        let end = self.doc.find([':', ';', '.']).unwrap_or(self.doc.len());
        let first = self.doc[..end].trim();
        let mut chars = first.chars();
        match chars.next() {
            Some(c) => c.to_lowercase().chain(chars).collect(),
            None => self.name.to_owned(),
        }
    }
}

/// The metric columns drawn as time series in run plots and comparisons, in panel order.
pub const SERIES: &[&str] = &[
    "work_hours_mean",
    "need_satisfaction",
    "waste_share",
    "footprint_kg_co2e_per_person",
];

/// Declares `NAME: &[Column<Row>]`, one column per listed field of `Row`, in order.
macro_rules! declare_columns {
    ($(#[$doc:meta])* $vis:vis $name:ident: $row:ty;
     $( $field:ident : $kind:ident, $unit:literal, $text:literal $(, $short:literal)?; )*) => {
        $(#[$doc])*
        $vis const $name: &[$crate::model::metrics::row::Column<$row>] = &[
            $( $crate::model::metrics::row::Column {
                name: stringify!($field),
                unit: $unit,
                doc: $text,
                short: concat!($($short)?),
                kind: $crate::model::metrics::row::Kind::$kind,
                get: |m| m.$field as f64,
            }, )*
        ];
    };
}
pub(crate) use declare_columns;

/// Declares a row struct and its columns at once: each field with its type, kind, unit, meaning
/// and optional short label, so that a metric is added in exactly one place. Fields after
/// `@extra` are part of the row but not columns of their own (arrays read through other columns).
macro_rules! declare_row {
    ($(#[$smeta:meta])* $svis:vis struct $row:ident;
     $(#[$cmeta:meta])* $cvis:vis $cols:ident;
     $( $field:ident : $ty:ty, $kind:ident, $unit:literal, $text:literal $(, $short:literal)?; )*
     $( @extra { $( $(#[$xmeta:meta])* $xfield:ident : $xty:ty, )* } )?
    ) => {
        $(#[$smeta])*
        $svis struct $row {
            $( #[doc = $text] pub $field: $ty, )*
            $($( $(#[$xmeta])* pub $xfield: $xty, )*)?
        }
        $crate::model::metrics::row::declare_columns! {
            $(#[$cmeta])* $cvis $cols: $row;
            $( $field: $kind, $unit, $text $(, $short)?; )*
        }
    };
}
pub(crate) use declare_row;

/// Accessors of array entries, one per index (a fn pointer cannot capture the index).
macro_rules! indexed {
    ($field:ident; $( $i:literal )*) => {
        [ $( (|m: &TickMetrics| m.$field[$i]) as fn(&TickMetrics) -> f64, )* ]
    };
}

/// Every metric column, in output order: the scalar columns, then per good `<good>_needed`,
/// `<good>_delivered` and `<good>_satisfaction`, then `<sector>_hours` for each good's sector,
/// then per good `<good>_made`, `<good>_used`, `<good>_wasted` and `<good>_stock`, then per good
/// `<good>_planned`, `<good>_required`, `<good>_short`, `<good>_overstock` and
/// `<good>_in_production`.
pub static COLUMNS: LazyLock<Vec<Column>> = LazyLock::new(|| {
    let needed: [fn(&TickMetrics) -> f64; N_GOODS] = indexed!(goods_needed; 0 1 2 3 4 5 6 7 8 9);
    let delivered: [fn(&TickMetrics) -> f64; N_GOODS] =
        indexed!(goods_delivered; 0 1 2 3 4 5 6 7 8 9);
    let made: [fn(&TickMetrics) -> f64; N_GOODS] = indexed!(goods_made; 0 1 2 3 4 5 6 7 8 9);
    let used: [fn(&TickMetrics) -> f64; N_GOODS] = indexed!(goods_used; 0 1 2 3 4 5 6 7 8 9);
    let wasted: [fn(&TickMetrics) -> f64; N_GOODS] = indexed!(goods_wasted; 0 1 2 3 4 5 6 7 8 9);
    let stock: [fn(&TickMetrics) -> f64; N_GOODS] = indexed!(goods_stock; 0 1 2 3 4 5 6 7 8 9);
    let planned: [fn(&TickMetrics) -> f64; N_GOODS] = indexed!(goods_planned; 0 1 2 3 4 5 6 7 8 9);
    let required: [fn(&TickMetrics) -> f64; N_GOODS] =
        indexed!(goods_required; 0 1 2 3 4 5 6 7 8 9);
    let short: [fn(&TickMetrics) -> f64; N_GOODS] = indexed!(goods_short; 0 1 2 3 4 5 6 7 8 9);
    let overstock: [fn(&TickMetrics) -> f64; N_GOODS] =
        indexed!(goods_overstock; 0 1 2 3 4 5 6 7 8 9);
    let in_production: [fn(&TickMetrics) -> f64; N_GOODS] =
        indexed!(goods_in_production; 0 1 2 3 4 5 6 7 8 9);
    let satisfaction: [fn(&TickMetrics) -> f64; N_GOODS] = [
        |m| m.satisfaction(0),
        |m| m.satisfaction(1),
        |m| m.satisfaction(2),
        |m| m.satisfaction(3),
        |m| m.satisfaction(4),
        |m| m.satisfaction(5),
        |m| m.satisfaction(6),
        |m| m.satisfaction(7),
        |m| m.satisfaction(8),
        |m| m.satisfaction(9),
    ];
    let hours: [fn(&TickMetrics) -> f64; N_SECTORS] =
        indexed!(sector_hours; 0 1 2 3 4 5 6 7 8 9 10 11);
    // Names are made once, for the life of the process.
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut columns = SCALAR_COLUMNS.to_vec();
    // Per good: suffix, unit (the good's own where none), meaning and accessors.
    type PerGood = (
        &'static str,
        Option<&'static str>,
        &'static str,
        [fn(&TickMetrics) -> f64; N_GOODS],
    );
    let per_good = |columns: &mut Vec<Column>, blocks: &[PerGood]| {
        for good in Good::ALL {
            for (suffix, unit, doc, get) in blocks {
                columns.push(Column {
                    name: leak(format!("{}_{suffix}", good.name())),
                    unit: unit.unwrap_or(good.unit()),
                    doc,
                    short: leak(format!("{} {suffix}", good.name())),
                    kind: Kind::Float,
                    get: get[good.index()],
                });
            }
        }
    };
    per_good(
        &mut columns,
        &[
            (
                "needed",
                None,
                "Units of the good needed by everyone today.",
                needed,
            ),
            (
                "delivered",
                None,
                "Units of the good delivered today.",
                delivered,
            ),
            (
                "satisfaction",
                Some("0..1"),
                "Delivered over needed (1 when nothing is needed).",
                satisfaction,
            ),
        ],
    );
    for sector in Sector::all().skip(2) {
        columns.push(Column {
            name: leak(format!("{}_hours", sector.name())),
            unit: "h",
            doc: "Hours given to the sector's syndicates today.",
            short: leak(format!("{} hours", sector.name())),
            kind: Kind::Float,
            get: hours[sector.index()],
        });
    }
    per_good(
        &mut columns,
        &[
            (
                "made",
                None,
                "Units of the good made today by its syndicates and guilds (gross output).",
                made,
            ),
            (
                "used",
                None,
                "Units of the good taken from store today as inputs to making goods (the syndicates' and guilds').",
                used,
            ),
            (
                "wasted",
                None,
                "Units of the good made but given up (services and energy not used the day they are made) or thrown away unsold (overproduction) today.",
                wasted,
            ),
            (
                "stock",
                None,
                "Units of the good held in all communities' stores at the end of the day (0 for services).",
                stock,
            ),
        ],
    );
    per_good(
        &mut columns,
        &[
            (
                "planned",
                None,
                "Units of the good its syndicates planned to make today (economy.planning: solved exactly, or each syndicate's own decision).",
                planned,
            ),
            (
                "required",
                None,
                "Units of the good today's requests take with perfect information, (I - A)^-1 d, without reserves: the yardstick of the bullwhip ratio.",
                required,
            ),
            (
                "short",
                Some("communities"),
                "Communities delivered less of the good than they requested today (a stock-out, or a service made short).",
                short,
            ),
            (
                "overstock",
                None,
                "Units of the good in store beyond the reserve days of today's requirement (0 for services).",
                overstock,
            ),
            (
                "in_production",
                None,
                "Units of the good made and not yet in store at the end of the day (economy.lead_days under local planning; 0 otherwise).",
                in_production,
            ),
        ],
    );
    columns
});

impl TickMetrics {
    /// Delivered over needed for good `g` (1 when nothing is needed).
    pub fn satisfaction(&self, g: usize) -> f64 {
        if self.goods_needed[g] > 0.0 {
            self.goods_delivered[g] / self.goods_needed[g]
        } else {
            1.0
        }
    }
}

declare_row! {
    /// One row of the metrics table: the whole world on one day. Two rows are equal when every
    /// column holds the same bits (an empty figure, NaN, equals an empty figure), which is what
    /// "the same run" means.
    #[derive(Resource, Clone, Copy, Debug, Default)]
    pub struct TickMetrics;
    /// The columns of scalar fields, in output order.
    SCALAR_COLUMNS;
    tick: u32, Int, "day", "Tick number, counted from 0; one tick is one day.";
    day_of_year: u32, Int, "day", "Day of the year, 0 to 364.";
    population: u64, Int, "persons", "Persons alive.";
    able_adults: u64, Int, "persons", "Adults who are well today (the base of the work-hours statistics).";
    children: u64, Int, "persons", "Children: younger than `demography.adult_age` with `[demography]`, drawn as children at the start without it.";
    elders: u64, Int, "persons", "Elders: `demography.retirement_age` or older with `[demography]`, drawn as elders at the start without it.";
    dependency_ratio: f64, Float, "persons/adult", "Children and elders per adult (well or not).", "dependency ratio";
    births: u64, Int, "persons", "Children born today (`[demography]`).";
    deaths: u64, Int, "persons", "Persons who died today (`[demography]`).";
    moves: u64, Int, "persons", "Persons who moved today from one community to another of their region (`population.move_rate`, `leave_home_rate` and `guild_move_rate`).";
    family_moves: u64, Int, "persons", "Of today's `moves`, persons who moved to the community of a relative household (with households, `population.household_sizes`).", "moves to join family";
    guild_moves: u64, Int, "persons", "Of today's `moves`, persons who moved to join a guild of the work they love in another community (`population.guild_move_rate`).", "moves to join a guild";
    households: u64, Int, "households", "Households at the end of the day (with households, `population.household_sizes`; 0 without).", "households";
    household_size: f64, Float, "persons", "Mean persons a household (with households; 0 without).", "mean household size";
    newcomers_accepted: u64, Int, "persons", "Newcomers who arrived today, taken in by a community's assembly the day before (`population.influx = \"decided\"`).";
    newcomers_refused: u64, Int, "persons", "Newcomers turned away today, who do not arrive (`population.influx = \"decided\"`): the regional assembly refused to ask another community, no community of the region was left with room, or the request lapsed undecided.";
    work_hours_mean: f64, Float, "h/day", "Mean hours worked per able adult: syndicate work plus own garden.", "work hours per able adult";
    work_hours_p50: f64, Float, "h/day", "Median hours worked per able adult (to 0.01 h).";
    work_hours_p90: f64, Float, "h/day", "90th percentile of hours worked per able adult (to 0.01 h).", "work hours, 90th percentile";
    work_hours_max: f64, Float, "h/day", "Most hours anyone worked.";
    leisure_hours_mean: f64, Float, "h/day", "Mean waking hours left after work per able adult.", "leisure per able adult";
    need_satisfaction: f64, Float, "0..1", "Mean over food and each good needed of the share of need delivered, each capped at 1 (metrics::satisfaction).", "need satisfaction";
    food_satisfaction: f64, Float, "0..1", "Food delivered divided by food needed.", "food satisfaction";
    unmet_need_share: f64, Float, "0..1", "Share of persons who got less than they needed of any good.", "persons short of something";
    gini_work_hours: f64, Float, "0..1", "Gini coefficient of hours worked across able adults.";
    gini_need_satisfaction: f64, Float, "0..1", "Gini coefficient of need satisfaction across persons.";
    food_needed_kg: f64, Float, "kg", "Food needed by everyone today.";
    food_produced_kg: f64, Float, "kg", "Food harvested from common land plus garden food.";
    food_harvested_kg: f64, Float, "kg", "Food harvested by the agricultural syndicates.";
    food_garden_kg: f64, Float, "kg", "Food from garden plots.";
    food_cooked_kg: f64, Float, "kg", "Food cooked by community kitchens.";
    food_eaten_kg: f64, Float, "kg", "Food delivered and eaten.";
    food_stored_kg: f64, Float, "kg", "Food in store-rooms and kept as leftovers at the end of the day.", "food in store";
    food_wasted_kg: f64, Float, "kg", "Food spoiled in store, leftovers past keeping and household waste.";
    waste_share: f64, Float, "0..1", "Food wasted divided by food produced, both summed over the last 365 days; empty (NaN) until a whole year has run, as production is seasonal.", "waste share (last 365 days)";
    footprint_kg_co2e_per_person: f64, Float, "kg CO2e/person/day", "All emissions per person: energy, transport, production and waste.", "footprint per person";
    footprint_energy_kg_co2e_per_person: f64, Float, "kg CO2e/person/day", "Lifecycle emissions of the energy generated, less rail's share.";
    footprint_transport_kg_co2e_per_person: f64, Float, "kg CO2e/person/day", "Emissions of the energy rail and cars use (passengers and freight), and of making cars.";
    footprint_production_kg_co2e_per_person: f64, Float, "kg CO2e/person/day", "Emissions of farming and of making goods, beyond their energy.";
    footprint_waste_kg_co2e_per_person: f64, Float, "kg CO2e/person/day", "Emissions of food wasted.";
    energy_demanded_kwh: f64, Float, "kWh", "Energy planned for: homes, kitchens and every sector's use.";
    energy_supplied_kwh: f64, Float, "kWh", "Energy made.";
    energy_shortage_kwh: f64, Float, "kWh", "Energy planned for but not made.", "energy shortage";
    energy_generated_kwh: f64, Float, "kWh", "Energy generated by every installation, used or not.";
    energy_curtailed_kwh: f64, Float, "kWh", "Energy generated but neither used, stored nor sent over the grid.";
    energy_traded_kwh: f64, Float, "kWh", "Energy received over regional grid links (after losses).";
    energy_lost_kwh: f64, Float, "kWh", "Energy lost in storage and on grid links.";
    energy_stored_kwh: f64, Float, "kWh", "Energy in community storage at the end of the day.";
    energy_renewable_share: f64, Float, "0..1", "Renewable share of the energy generated.", "renewable share of energy";
    food_shipped_kg: f64, Float, "kg", "Food moved by rail from communities with a surplus to those short.", "food moved by rail";
    rail_tonne_km: f64, Float, "tonne-km", "Rail freight.";
    rail_energy_kwh: f64, Float, "kWh", "Energy used by rail freight.";
    garments_reused: f64, Float, "garments", "Garments taken from exchange stores.";
    garments_discarded: f64, Float, "garments", "Garments thrown away: worn out, or wearable with no exchange store.", "garments thrown away";
    textiles_discarded_kg: f64, Float, "kg", "Mass of the garments thrown away.";
    labour_posted_hours: f64, Float, "h", "Effective hours the syndicates asked for.";
    labour_shortage_hours: f64, Float, "h", "Effective hours asked for that no one filled.", "labour shortage";
    agriculture_hours: f64, Float, "h", "Hours given to agricultural syndicates.";
    kitchen_hours: f64, Float, "h", "Hours given to community kitchens.";
    garden_hours: f64, Float, "h", "Hours spent on garden plots.";
    undesirable_hours_mean: f64, Float, "h/day", "Mean hours of undesirable work per able adult.";
    undesirable_hours_max: f64, Float, "h/day", "Most hours of undesirable work anyone did.";
    gini_undesirable_hours: f64, Float, "0..1", "Gini coefficient of undesirable work hours across able adults.";
    persons_ever_undesirable: u64, Int, "persons", "Persons who have done undesirable work at least once so far.";
    undesirable_unfilled_hours: f64, Float, "h", "Effective hours of undesirable work asked for that no one filled.";
    exchange_hours: f64, Float, "h", "Hours given through exchange schemes to communities short of hands.";
    harvest_extra_hours: f64, Float, "h", "Hours the farms' workers gave their farm on harvest days beyond their willing hours, under the extra they agreed (`food.harvest_hours_decided`).";
    guild_hours: f64, Float, "h", "Effective hours guild members gave to their guilds.";
    guilds_active: u64, Int, "guilds", "Guilds whose raw-material agreement was accepted.";
    guild_members: u64, Int, "persons", "Persons in a guild at the end of the day, whether or not its agreement was accepted.", "guild members";
    assemblies_held: u64, Int, "meetings", "Assemblies that met today with a quorum (community, regional, global).";
    meetings_without_quorum: u64, Int, "meetings", "Assemblies that met today without a quorum and decided nothing.";
    deliberation_rounds: u64, Int, "rounds", "Rounds of discussion held on the proposals decided today (one per proposal, up to `consensus_rounds` under consensus).";
    meeting_hours: f64, Float, "h", "Hours persons spent at today's assemblies: those there times the meeting's `meeting_hours` and `round_hours` per round of discussion (not counted in work hours).", "hours at assemblies";
    proposals_passed: u64, Int, "proposals", "Proposals passed today.";
    proposals_failed: u64, Int, "proposals", "Proposals that failed today.";
    delegate_deviations: u64, Int, "votes", "Delegate votes cast against the mandate today.";
    delegate_recalls: u64, Int, "delegates", "Delegates recalled today.";
    syndicates_active: u64, Int, "syndicates", "Goods syndicates working (not idled by their assembly).";
    syndicates_idle: u64, Int, "syndicates", "Goods syndicates idled by their assembly because stocks cover need.";
    settled_communities: u64, Int, "communities", "Communities settled: all but the sites not yet founded (`population.sizes` of 0).", "settled communities";
    communities_founded: u64, Int, "communities", "Communities founded today by a split (`population.split_above`).", "communities founded";
    work_hours_per_worker: f64, Float, "h/day", "Mean hours worked by the able adults who worked today (the unemployed left out).";
    work_and_meeting_hours_mean: f64, Float, "h/day", "Work plus assembly time per able adult: work_hours_mean plus everyone's meeting_hours and planning_meeting_hours shared over the able adults (assemblies take time, which the essay's society must find).", "work and assembly hours per able adult";
    work_hours_per_person: f64, Float, "h/day", "Hours worked by everyone (adults and elders, syndicates, gardens, guilds, training and research) per person alive, children included: comparable with national accounts' hours worked per resident.";
    table_output_kusd: f64, Float, "k US$", "A table economy's gross output made ([economy] table; 0 otherwise), thousands of US$ at the table's basic prices.";
    table_hours: f64, Float, "h", "Hours a table economy's sectors posted: the table's hours per US$ times the output planned (0 without a table).";
    table_co2_kg: f64, Float, "kg", "CO2 of a table economy: its industries' for what was made, and residents' own fuel (0 without a table).";
    money_law_hours: f64, Float, "h", "Hours spent on money and law, making nothing (market.money_law_share of all syndicate hours).";
    energy_building_kw: f64, Float, "kW", "Capacity of installations under construction at the end of the day.";
    energy_built_kw: f64, Float, "kW", "Capacity of installations finished today.";
    energy_build_hours: f64, Float, "h", "Effective hours worked building installations today (part of construction_hours).";
    energy_build_materials_t: f64, Float, "t", "Construction goods taken from store and built into energy installations today.";
    car_passenger_km: f64, Float, "passenger-km", "Passenger-km travelled by car (where the scenario allows cars).";
    car_energy_kwh: f64, Float, "kWh", "Energy used by cars.";
    goods_shipped_kg: f64, Float, "kg", "Storable goods moved by rail from communities with a surplus to those short.";
    goods_in_transit_kg: f64, Float, "kg", "Storable goods sent by rail and not yet arrived at the end of the day (`rail.goods_lead_days`; 0 when they arrive the day they are sent).";
    trunk_tonne_km: f64, Float, "tonne-km", "Freight over trunk lines between regions: tonnes times the km of trunk line crossed (part of rail_tonne_km).";
    dwelling_m2: f64, Float, "m2", "Floor area of dwellings standing at the end of the day.";
    dwelling_built_m2: f64, Float, "m2", "Floor area of dwellings finished today.";
    dwelling_build_hours: f64, Float, "h", "Effective hours worked building dwellings today (part of construction_hours).";
    dwelling_build_materials_t: f64, Float, "t", "Construction goods taken from store and built into dwellings today.";
    newcomer_build_hours: f64, Float, "h", "Effective hours worked building the floor area and installations of newcomers an assembly took in today (`population.influx = \"decided\"`; part of construction_hours): on arrival, their hours (as the members weighed them) are posted to the construction syndicate over a year.";
    communities_rationing: u64, Int, "communities", "Communities whose assembly voted to ration food until the scarcity is over (with assemblies on).";
    full_time_artists: u64, Int, "persons", "Persons the community assembly asked to give their working hours to their art.";
    art_hours: f64, Float, "h", "Hours full-time artists gave to their art (part of work_hours_mean).";
    energy_capacity_kw: f64, Float, "kW", "Installed capacity of every source at the end of the day (out of service after a failure not counted).";
    energy_retired_kw: f64, Float, "kW", "Capacity of installations worn out and retired today (energy.wear).";
    energy_replacing_kw: f64, Float, "kW", "Capacity under construction that replaces worn-out installations (part of energy_building_kw).";
    devices_made_global: f64, Float, "devices", "Devices made by the global device syndicate in its workshops (global.devices = \"global\").";
    data_network_hours: f64, Float, "h", "Effective hours posted for the data network's upkeep (part of devices_hours; global.devices = \"global\").";
    data_network_kwh: f64, Float, "kWh", "Energy the data network uses (part of energy_needed; global.devices = \"global\").";
    training_hours: f64, Float, "h", "Hours adults spent training at regional training centres.";
    training_staff_hours: f64, Float, "h", "Effective hours posted for the training centres' facilitators (part of learning_hours).";
    training_passenger_km: f64, Float, "passenger-km", "Trainees' rail trips to a training centre in another community, there and back.";
    mean_skill: f64, Float, "0..1", "Mean skill of adults over all sectors.";
    research_hours: f64, Float, "h", "Hours given to research in research communities (counted as work).";
    technology_level: f64, Float, "ratio", "World technology level from research: labour per unit of each good is divided by it (1 without research).";
    exchange_passenger_km: f64, Float, "passenger-km", "Rail travel of exchange helpers from home to the communities they help and back.";
    exchange_travel_kwh: f64, Float, "kWh", "Energy of exchange helpers' rail travel (rail.kwh_per_passenger_km; in the transport footprint).";
    goods_short_spell_days: u64, Int, "days", "The longest stock-out going on today: days in a row any one community has been delivered less of a good than it requested.", "longest stock-out going on";
    planned_short_spell_days: u64, Int, "days", "The longest stock-out going on today of a good its syndicates plan (every good but energy, which is balanced on the day under every planning rule): days in a row any one community has been delivered less of it than it requested.", "longest stock-out of a planned good";
    planning_rounds: u64, Int, "rounds", "Rounds of today's participatory planning sessions, summed over communities (economy.planning = \"participatory\"; 0 on other days).";
    planning_unagreed: u64, Int, "communities", "Communities whose planning session today ended at economy.round_limit without the hours asked fitting the hours offered.";
    planning_meeting_hours: f64, Float, "h", "Person-hours of today's planning rounds: each round, a delegate of each goods syndicate and one of the community, economy.round_hours each (counted in work_and_meeting_hours_mean).", "planning meeting hours";
    requests_restated: u64, Int, "goods", "Goods whose request a community re-stated to its syndicate today after `economy.restate_after_days` days in a row short of it (local planning; 0 otherwise), summed over communities.", "requests re-stated";
    requests_cut_share: f64, Float, "0..1", "Mean over communities of the share of the hours their members' requests take that they agreed to do without at their last planning session (participatory planning; 0 otherwise). Under a proportional cut, the share of every request.", "requests cut";
    planning_extra_hours: f64, Float, "h/day", "Mean over communities of the extra hours a day each willing adult agreed to give at their last planning session, working longer rather than lowering requests (participatory planning with `economy.shortfall` \"longer\", or \"vote\" once the assembly passed `work_longer`; 0 otherwise).", "extra hours agreed";
    communities_by_rota: u64, Int, "communities", "Communities working longer by rota today: extra hours agreed at their last planning session and shared in turns (`economy.longer_by` \"rota\", or \"vote\" where the assembly chose the rota; 0 otherwise).", "communities working longer by rota";
    goods_short_share: f64, Float, "0..1", "Share of the goods communities requested today (each community and good with a request) of which they were delivered less than they requested: stock-outs and services made short.", "goods short";
    agreed_share: f64, Float, "0..1", "Share of what communities requested today (every good but energy, weighted by its direct hours per unit) that their stores' standing agreements in force cover (`economy.standing_agreements`; 0 otherwise).", "requests under standing agreements";
    agreements_revised: u64, Int, "agreements", "Standing agreements whose revised amount came into force today, after `economy.agreement_notice_days` of notice, summed over communities (0 without `economy.standing_agreements`).", "agreements revised";
    input_agreements_revised: u64, Int, "agreements", "Agreements between syndicates (a syndicate's standing agreement to take a good from another syndicate of its community) whose revised amount came into force today, after `economy.agreement_notice_days` of notice, summed over communities (0 unless `economy.input_agreements = \"assemblies\"`).", "input agreements revised";
    @extra {
        /// Units of each good planned today by its syndicates.
        goods_planned: [f64; N_GOODS],
        /// Gross output today's requests take with perfect information, without reserves.
        goods_required: [f64; N_GOODS],
        /// Communities delivered less of each good than they requested today.
        goods_short: [f64; N_GOODS],
        /// Units of each good in store beyond the reserve days of today's requirement.
        goods_overstock: [f64; N_GOODS],
        /// Units of each good made and not yet in store.
        goods_in_production: [f64; N_GOODS],
        /// Units of each good needed by everyone today.
        goods_needed: [f64; N_GOODS],
        /// Units of each good delivered today.
        goods_delivered: [f64; N_GOODS],
        /// Hours given to each sector today.
        sector_hours: [f64; N_SECTORS],
        /// Units of each good made today (syndicates and guilds).
        goods_made: [f64; N_GOODS],
        /// Units of each good used up today as inputs of other goods.
        goods_used: [f64; N_GOODS],
        /// Units of each good given up or thrown away unsold today.
        goods_wasted: [f64; N_GOODS],
        /// Units of each good in all communities' stores at the end of the day.
        goods_stock: [f64; N_GOODS],
    }
}

/// Looks a column up by name.
pub fn column(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.name == name)
}

const _: () = assert!(
    N_GOODS == 10 && N_SECTORS == 12,
    "update the indexed! lists above"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_are_unique_and_read_their_field() {
        let mut names: Vec<_> = COLUMNS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len());
        let m = TickMetrics {
            tick: 3,
            need_satisfaction: 0.5,
            ..Default::default()
        };
        assert_eq!((column("tick").unwrap().get)(&m), 3.0);
        assert_eq!((column("need_satisfaction").unwrap().get)(&m), 0.5);
        assert!(column("no_such_metric").is_none());
    }
}
