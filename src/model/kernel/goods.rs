//! The goods beyond food, the sectors that make them, and what each needs of the others.
//!
//! Each good is made by one syndicate per community. Making a unit takes labour, and inputs of
//! other goods given by the scenario's technical-coefficients matrix `A` (units of good `i` per
//! unit of good `j`); energy is one of the goods, so the energy a sector uses is a column entry
//! like any other input. With perfect planning and no waste, the gross output that meets a final
//! need `d` is `x = (I - A)^-1 d`, and the labour it takes is the classical labour value
//! `l . x`.

use crate::model::kernel::components::{AgeClass, Person};
use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Serialize};

macro_rules! goods {
    ($( $variant:ident, $field:ident, $unit:literal, $storable:literal; )*) => {
        /// A good or service made by syndicates (food has its own sectors).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Good { $( $variant, )* }

        impl Good {
            pub const ALL: &'static [Good] = &[ $( Good::$variant, )* ];

            /// The name used in scenario files and metric columns.
            pub fn name(self) -> &'static str {
                match self { $( Good::$variant => stringify!($field), )* }
            }

            /// The unit a quantity of this good is counted in.
            pub fn unit(self) -> &'static str {
                match self { $( Good::$variant => $unit, )* }
            }

            /// Whether the good can be kept in store; services are used the day they are given.
            pub fn storable(self) -> bool {
                match self { $( Good::$variant => $storable, )* }
            }
        }

        /// Parameters of every good, one table each in a scenario's `[goods]` section. A key
        /// left out of a good's table keeps that good's default.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(from = "GoodsPatch")]
        pub struct GoodsParams { $( pub $field: GoodParams, )* }

        /// `[goods]` as written: only the keys given.
        #[derive(Default, Deserialize)]
        #[serde(default)]
        pub struct GoodsPatch { $( $field: GoodPatch, )* }

        impl From<GoodsPatch> for GoodsParams {
            fn from(patch: GoodsPatch) -> Self {
                Self { $( $field: patch.$field.apply(GoodParams::default_for(Good::$variant)), )* }
            }
        }

        /// One row of `[inputs]` as written: only the coefficients given.
        #[derive(Default, Deserialize)]
        #[serde(default)]
        pub struct InputRowPatch { $( $field: Option<f64>, )* }

        impl InputRowPatch {
            fn apply(self, mut row: InputRow) -> InputRow {
                $( if let Some(v) = self.$field { row.$field = v; } )*
                row
            }
        }

        /// `[inputs]` as written.
        #[derive(Default, Deserialize)]
        #[serde(default)]
        pub struct InputsPatch { $( $field: InputRowPatch, )* }

        impl From<InputsPatch> for InputsParams {
            fn from(patch: InputsPatch) -> Self {
                let defaults = InputsParams::default();
                Self { $( $field: patch.$field.apply(defaults.$field), )* }
            }
        }

        impl Default for GoodsParams {
            fn default() -> Self {
                Self { $( $field: GoodParams::default_for(Good::$variant), )* }
            }
        }

        impl GoodsParams {
            pub fn get(&self, good: Good) -> &GoodParams {
                match good { $( Good::$variant => &self.$field, )* }
            }

            pub fn get_mut(&mut self, good: Good) -> &mut GoodParams {
                match good { $( Good::$variant => &mut self.$field, )* }
            }
        }

        /// Inputs per unit of one good's output: units of each other good.
        #[derive(Clone, Debug, Default, PartialEq, Serialize)]
        pub struct InputRow { $( pub $field: f64, )* }

        impl InputRow {
            pub fn get(&self, good: Good) -> f64 {
                match good { $( Good::$variant => self.$field, )* }
            }

            pub fn set(&mut self, good: Good, value: f64) {
                match good { $( Good::$variant => self.$field = value, )* }
            }
        }

        /// The technical-coefficients matrix, by output good: `[inputs.clothing]` lists what a
        /// garment takes of each other good. A coefficient left out keeps its default.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(from = "InputsPatch")]
        pub struct InputsParams { $( pub $field: InputRow, )* }

        impl InputsParams {
            pub fn row(&self, output: Good) -> &InputRow {
                match output { $( Good::$variant => &self.$field, )* }
            }

            pub fn row_mut(&mut self, output: Good) -> &mut InputRow {
                match output { $( Good::$variant => &mut self.$field, )* }
            }
        }
    };
}

goods! {
    Clothing, clothing, "garments", true;
    Textiles, textiles, "kg", true;
    Energy, energy, "kWh", false;
    Transport, transport, "passenger-km", false;
    Housing, housing, "m2 kept in repair", false;
    Construction, construction, "t", true;
    Devices, devices, "devices", true;
    Care, care, "hours of care", false;
    Learning, learning, "learning hours", false;
    Materials, materials, "t", true;
}

/// Number of goods made by the generic sectors.
pub const N_GOODS: usize = Good::ALL.len();

impl Good {
    pub fn index(self) -> usize {
        self as usize
    }
}

impl GoodsParams {
    /// The final need of every good for a community of `counts`: each good's own rule, per
    /// person by age class. The one place where a headcount becomes a need vector.
    pub fn final_need(&self, counts: &Headcount) -> [f64; N_GOODS] {
        let mut need = [0.0; N_GOODS];
        for good in Good::ALL {
            need[good.index()] = self.get(*good).need(counts);
        }
        need
    }
}

/// What a person needs of a good, and what making it takes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoodParams {
    /// An adult's need (units/person/day).
    pub need_adult: f64,
    /// A child's need (units/person/day).
    pub need_child: f64,
    /// An elder's need (units/person/day).
    pub need_elder: f64,
    /// Extra need of a person who is ill or incapacitated (units/person/day).
    pub need_ill_extra: f64,
    /// Labour to make one unit (hours/unit, at full skill).
    pub labour_hours_per_unit: f64,
    /// Emissions of making one unit, beyond those of its energy and inputs (kg CO2e/unit).
    pub kg_co2e_per_unit: f64,
    /// Stock the syndicate keeps in reserve (days of gross use: need plus other sectors' use;
    /// storable goods only).
    pub reserve_days: f64,
    /// Stock at the start (days of gross use; storable goods only).
    pub initial_stock_days: f64,
}

impl GoodParams {
    fn zero() -> Self {
        Self {
            need_adult: 0.0,
            need_child: 0.0,
            need_elder: 0.0,
            need_ill_extra: 0.0,
            labour_hours_per_unit: 0.0,
            kg_co2e_per_unit: 0.0,
            reserve_days: 0.0,
            initial_stock_days: 0.0,
        }
    }

    /// Defaults for each good. Sources are named; "assumption" marks a value not yet backed by a
    /// published figure in docs/calibration.md.
    pub fn default_for(good: Good) -> Self {
        let z = Self::zero();
        match good {
            // Assumption: a dozen garments a year per person; EEA 2022: 8 kg of clothing bought
            // per person a year in the EU (about 20 garments). Two hours a garment.
            Good::Clothing => Self {
                need_adult: 12.0 / 365.0,
                need_child: 12.0 / 365.0,
                need_elder: 8.0 / 365.0,
                labour_hours_per_unit: 2.0,
                reserve_days: 30.0,
                initial_stock_days: 30.0,
                ..z
            },
            // Assumption: two hours of spinning, weaving and finishing per kg.
            Good::Textiles => Self {
                labour_hours_per_unit: 2.0,
                reserve_days: 30.0,
                initial_stock_days: 30.0,
                ..z
            },
            // Millward-Hopkins et al. 2020: decent living needs about 15 GJ/person/yr of final
            // energy (unconfirmed), about 11 kWh/day, of which homes take about half. NRDC/CEEW
            // 2014: about 3.5 FTE per MW of solar operating; at a 17% capacity factor (IRENA
            // 2021) that is about 0.004 h/kWh.
            Good::Energy => Self {
                need_adult: 5.5,
                need_child: 3.0,
                need_elder: 5.5,
                labour_hours_per_unit: 0.004,
                ..z
            },
            // Assumption: 15 passenger-km a day by rail; about 0.005 h of crew and upkeep each.
            Good::Transport => Self {
                need_adult: 15.0,
                need_child: 8.0,
                need_elder: 8.0,
                labour_hours_per_unit: 0.005,
                ..z
            },
            // Assumption: 30 m2 of dwelling per person, one hour of upkeep per m2 a year.
            Good::Housing => Self {
                need_adult: 30.0,
                need_child: 30.0,
                need_elder: 30.0,
                labour_hours_per_unit: 1.0 / 365.0,
                ..z
            },
            // Assumption: five hours per tonne of building materials.
            Good::Construction => Self {
                labour_hours_per_unit: 5.0,
                reserve_days: 30.0,
                initial_stock_days: 30.0,
                ..z
            },
            // Assumption: one device per person every four years, 20 hours to make one.
            Good::Devices => Self {
                need_adult: 0.25 / 365.0,
                need_child: 0.1 / 365.0,
                need_elder: 0.25 / 365.0,
                labour_hours_per_unit: 20.0,
                reserve_days: 60.0,
                initial_stock_days: 60.0,
                ..z
            },
            // Assumption: children need 3 h of shared care a day, elders 1 h, the ill 4 h more;
            // one carer looks after four at once.
            Good::Care => Self {
                need_child: 3.0,
                need_elder: 1.0,
                need_ill_extra: 4.0,
                labour_hours_per_unit: 0.25,
                ..z
            },
            // Assumption: children spend 4 h a day in learning centres, adults 0.3 h; one
            // facilitator per eight learners.
            Good::Learning => Self {
                need_adult: 0.3,
                need_child: 4.0,
                need_elder: 0.3,
                labour_hours_per_unit: 0.125,
                ..z
            },
            // Assumption: two hours per tonne of raw materials mined and sorted.
            Good::Materials => Self {
                labour_hours_per_unit: 2.0,
                kg_co2e_per_unit: 50.0,
                reserve_days: 30.0,
                initial_stock_days: 30.0,
                ..z
            },
        }
    }

    /// Need of one person of each kind (units/day).
    pub fn need(&self, counts: &Headcount) -> f64 {
        self.need_adult * counts.adults
            + self.need_child * counts.children
            + self.need_elder * counts.elders
            + self.need_ill_extra * counts.ill
    }
}

/// One good's table as written: only the keys given.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct GoodPatch {
    need_adult: Option<f64>,
    need_child: Option<f64>,
    need_elder: Option<f64>,
    need_ill_extra: Option<f64>,
    labour_hours_per_unit: Option<f64>,
    kg_co2e_per_unit: Option<f64>,
    reserve_days: Option<f64>,
    initial_stock_days: Option<f64>,
}

impl GoodPatch {
    fn apply(self, d: GoodParams) -> GoodParams {
        GoodParams {
            need_adult: self.need_adult.unwrap_or(d.need_adult),
            need_child: self.need_child.unwrap_or(d.need_child),
            need_elder: self.need_elder.unwrap_or(d.need_elder),
            need_ill_extra: self.need_ill_extra.unwrap_or(d.need_ill_extra),
            labour_hours_per_unit: self
                .labour_hours_per_unit
                .unwrap_or(d.labour_hours_per_unit),
            kg_co2e_per_unit: self.kg_co2e_per_unit.unwrap_or(d.kg_co2e_per_unit),
            reserve_days: self.reserve_days.unwrap_or(d.reserve_days),
            initial_stock_days: self.initial_stock_days.unwrap_or(d.initial_stock_days),
        }
    }
}

/// The `[clothing]` section: what happens to garments people stop using.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClothingParams {
    /// Whether the community keeps an exchange store, where unwanted garments are brought and
    /// taken again (on/off). Without one, every garment leaving use is thrown away.
    pub exchange_store: bool,
    /// Share of garments leaving use that are still wearable: outgrown, or no longer wanted
    /// (0..1).
    pub wearable_share: f64,
    /// Mass of a garment (kg).
    pub garment_kg: f64,
}

impl Default for ClothingParams {
    fn default() -> Self {
        Self {
            exchange_store: true,
            // Assumption: four garments in ten leave use still wearable.
            wearable_share: 0.4,
            // EEA 2022: 8 kg of clothing bought per person a year in the EU, about 20 garments.
            garment_kg: 0.4,
        }
    }
}

/// Persons of each kind in a community today (count, as reals for the arithmetic).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Headcount {
    pub adults: f64,
    pub children: f64,
    pub elders: f64,
    /// The ill and incapacitated, of any age.
    pub ill: f64,
}

impl Headcount {
    /// Counts `person` in: by age, and among the ill if they have priority (the ill and
    /// incapacitated).
    #[inline]
    pub fn add(&mut self, person: &Person) {
        match person.age {
            AgeClass::Child => self.children += 1.0,
            AgeClass::Adult => self.adults += 1.0,
            AgeClass::Elder => self.elders += 1.0,
        }
        if person.has_priority() {
            self.ill += 1.0;
        }
    }
}

impl Default for InputsParams {
    fn default() -> Self {
        let mut inputs = InputsParams {
            clothing: InputRow::default(),
            textiles: InputRow::default(),
            energy: InputRow::default(),
            transport: InputRow::default(),
            housing: InputRow::default(),
            construction: InputRow::default(),
            devices: InputRow::default(),
            care: InputRow::default(),
            learning: InputRow::default(),
            materials: InputRow::default(),
        };
        use Good::*;
        // Assumptions, to be replaced by input-output tables: (output, input, units per unit).
        let coefficients = [
            (Clothing, Textiles, 0.4),
            (Clothing, Energy, 2.0),
            (Textiles, Materials, 0.0012),
            (Textiles, Energy, 10.0),
            // Rail: about 0.05 kWh per passenger-km (Odyssee-Mure: car 7.3 times rail).
            (Transport, Energy, 0.05),
            (Housing, Construction, 0.0002),
            (Housing, Energy, 0.01),
            (Construction, Materials, 1.0),
            (Construction, Energy, 50.0),
            (Devices, Materials, 0.0005),
            (Devices, Energy, 150.0),
            (Learning, Energy, 0.2),
            (Materials, Energy, 30.0),
            (Energy, Materials, 0.00002),
        ];
        for (output, input, a) in coefficients {
            inputs.row_mut(output).set(input, a);
        }
        inputs
    }
}

/// A square matrix over goods, row-major: `m[i][j]`.
pub type Matrix = [[f64; N_GOODS]; N_GOODS];

/// The technical-coefficients matrix `A`: `a[i][j]` units of good `i` per unit of good `j`.
pub fn coefficient_matrix(inputs: &InputsParams) -> Matrix {
    let mut a = [[0.0; N_GOODS]; N_GOODS];
    for output in Good::ALL {
        let row = inputs.row(*output);
        for input in Good::ALL {
            a[input.index()][output.index()] = row.get(*input);
        }
    }
    a
}

/// `(I - A)^-1` by Gauss-Jordan elimination with partial pivoting, or `None` when the economy
/// cannot produce a surplus (the matrix is singular or its inverse has a negative entry, which
/// means some good uses up more than it makes, directly or through others).
pub fn leontief_inverse(a: &Matrix) -> Option<Matrix> {
    let n = N_GOODS;
    let mut m = [[0.0; N_GOODS]; N_GOODS];
    let mut inv = [[0.0; N_GOODS]; N_GOODS];
    for i in 0..n {
        for j in 0..n {
            m[i][j] = f64::from(u8::from(i == j)) - a[i][j];
        }
        inv[i][i] = 1.0;
    }
    for col in 0..n {
        let pivot = (col..n).max_by(|x, y| m[*x][col].abs().total_cmp(&m[*y][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        inv.swap(col, pivot);
        let p = m[col][col];
        for j in 0..n {
            m[col][j] /= p;
            inv[col][j] /= p;
        }
        for row in 0..n {
            if row != col {
                let f = m[row][col];
                if f != 0.0 {
                    for j in 0..n {
                        m[row][j] -= f * m[col][j];
                        inv[row][j] -= f * inv[col][j];
                    }
                }
            }
        }
    }
    inv.iter()
        .flatten()
        .all(|x| *x >= -1e-9 && x.is_finite())
        .then_some(inv)
}

/// `m . v`.
pub fn mul(m: &Matrix, v: &[f64; N_GOODS]) -> [f64; N_GOODS] {
    let mut out = [0.0; N_GOODS];
    for i in 0..N_GOODS {
        out[i] = (0..N_GOODS).map(|j| m[i][j] * v[j]).sum();
    }
    out
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const GOODS: &[Decl] = &[
    Decl::new(
        "goods.*.need_adult",
        "units/person/day",
        Check::Range(0.0, 1000000.0),
        "An adult's need.",
        "",
    ),
    Decl::new(
        "goods.*.need_child",
        "units/person/day",
        Check::Range(0.0, 1000000.0),
        "A child's need.",
        "",
    ),
    Decl::new(
        "goods.*.need_elder",
        "units/person/day",
        Check::Range(0.0, 1000000.0),
        "An elder's need.",
        "",
    ),
    Decl::new(
        "goods.*.need_ill_extra",
        "units/person/day",
        Check::Range(0.0, 1000000.0),
        "Extra need of a person who is ill or incapacitated.",
        "",
    ),
    Decl::new(
        "goods.*.labour_hours_per_unit",
        "h/unit",
        Check::Range(0.0, 10000.0),
        "Labour to make one unit.",
        "",
    ),
    Decl::new(
        "goods.*.kg_co2e_per_unit",
        "kg CO2e/unit",
        Check::Range(0.0, 1000000.0),
        "Emissions of making one unit, beyond those of its energy and inputs.",
        "",
    ),
    Decl::new(
        "goods.*.reserve_days",
        "days",
        Check::Range(0.0, 3650.0),
        "Stock the syndicate keeps in reserve.",
        "",
    ),
    Decl::new(
        "goods.*.initial_stock_days",
        "days",
        Check::Range(0.0, 3650.0),
        "Stock at the start.",
        "",
    )
    .fixed("it is the stock on day 0"),
];

/// The declarations of this section's parameters (see [`super::decl`]).
pub const CLOTHING: &[Decl] = &[
    Decl::new(
        "clothing.exchange_store",
        "",
        Check::Free,
        "Whether the community keeps an exchange store, where unwanted garments are brought and taken again (on/off). Without one, every garment leaving use is thrown away.",
        "",
    ),
    Decl::new(
        "clothing.wearable_share",
        "share",
        Check::Share,
        "Share of garments leaving use that are still wearable: outgrown, or no longer wanted.",
        "Assumption: four garments in ten leave use still wearable.",
    ),
    Decl::new(
        "clothing.garment_kg",
        "kg",
        Check::Range(0.0, 100.0),
        "Mass of a garment.",
        "EEA 2022: 8 kg of clothing bought per person a year in the EU, about 20 garments.",
    ),
];

/// The declarations of this section's parameters (see [`super::decl`]).
pub const INPUTS: &[Decl] = &[Decl::new(
    "inputs.*.*",
    "units of the input per unit of the output",
    Check::Free,
    "Technical coefficient: what one unit of the output good (the table) takes of the input good (the key), as in `[inputs.clothing] textiles = 1.0`.",
    "Assumptions, set so that each good takes what the essay's examples suggest; see each good's comments in `src/model/goods.rs`.",
)];

/// Short of a good (or of food) means delivered less than this share below the need: a
/// community's `goods_short` and a person's count among those short of something on a day use
/// the same threshold (it lies above the rounding of labour allocation, about 1e-7).
pub const SHORT: f64 = 1e-3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_times_i_minus_a_is_identity() {
        let a = coefficient_matrix(&InputsParams::default());
        let inv = leontief_inverse(&a).expect("the default economy is productive");
        for i in 0..N_GOODS {
            for j in 0..N_GOODS {
                let prod: f64 = (0..N_GOODS)
                    .map(|k| (f64::from(u8::from(i == k)) - a[i][k]) * inv[k][j])
                    .sum();
                assert!((prod - f64::from(u8::from(i == j))).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn an_unproductive_economy_has_no_inverse() {
        let mut inputs = InputsParams::default();
        // Making a kWh takes two kWh: no surplus is possible.
        inputs.energy.energy = 2.0;
        assert!(leontief_inverse(&coefficient_matrix(&inputs)).is_none());
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = Good::ALL.iter().map(|g| g.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), N_GOODS);
    }
}
