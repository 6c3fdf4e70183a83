//! Newcomers who ask to join a community (`population.influx = "decided"`): the requests waiting
//! for an assembly, the newcomers accepted and arriving the next day, and today's counts, kept
//! on `Government`; and the building work for those who arrived (`Settling`, a resource the
//! housing mechanism works off). The proposal kinds are `governance/proposals/newcomers.rs`
//! (the community's) and `place_newcomers.rs` (the region's), the arrival `events::arrive`
//! (called by `Simulation::begin_day`).

use bevy_ecs::prelude::Resource;

use crate::model::kernel::params::Params;
use crate::model::kernel::params::energy::Source;

/// Days over which the building work for newcomers is spread: the year over which members
/// weigh its hours when they vote (`governance/proposals/newcomers.rs`).
pub const SETTLING_DAYS: f64 = 365.0;

/// The hours it takes to build the floor area and energy installations of one resident:
/// `dwellings.m2_per_person` at `build_hours_per_m2`, and each source's `kw_per_person` at its
/// `build_hours_per_kw`. What members weigh when they vote on newcomers, and what is charged
/// to the construction syndicate when they arrive.
pub fn settling_hours(params: &Params) -> f64 {
    let d = &params.dwellings;
    let installations: f64 = Source::ALL
        .iter()
        .map(|&s| {
            let sp = params.energy.source(s);
            sp.kw_per_person * sp.build_hours_per_kw
        })
        .sum();
    d.m2_per_person * d.build_hours_per_m2 + installations
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Waiting for the assembly of `Request::community`.
    Waiting,
    /// Refused by that assembly today: it goes to the region after the meetings.
    Refused,
    /// Waiting for the regional assembly of `Request::region`, which votes on asking another
    /// community (`Subject::PlaceNewcomers`).
    Region,
}

/// Newcomers who asked to join a community and have not been taken in yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Unique for the run, in the order the requests were made.
    pub id: u32,
    pub persons: u32,
    /// The region the newcomers came to (that of the community they first asked).
    pub region: u32,
    /// The community whose assembly decides now.
    pub community: u32,
    /// Communities that refused them or had no room, in order.
    pub asked: Vec<u32>,
    pub standing: Standing,
    /// The day it began waiting where it stands (made, placed, or sent to the region), from
    /// which `population.influx_wait_days` are counted.
    pub since: u32,
}

/// Newcomers accepted by `community`'s assembly, arriving at the start of day `on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    pub community: u32,
    pub persons: u32,
    pub on: u32,
}

/// The requests, the arrivals to come and today's counts.
#[derive(Clone, Debug, Default)]
pub struct Newcomers {
    pub requests: Vec<Request>,
    pub arriving: Vec<Arrival>,
    next_id: u32,
    /// Persons who arrived today in each community, accepted by its assembly.
    pub accepted: Vec<u32>,
    /// Persons each community's assembly refused today.
    pub declined: Vec<u32>,
    /// Persons no community of their region took in, who do not arrive (today, the world).
    pub refused: u32,
}

impl Newcomers {
    pub fn new(communities: usize) -> Self {
        Self {
            accepted: vec![0; communities],
            declined: vec![0; communities],
            ..Self::default()
        }
    }

    /// `persons` newcomers ask to join `community` of `region` on `tick`.
    pub fn ask(&mut self, community: u32, region: u32, persons: u32, tick: u32) {
        self.requests.push(Request {
            id: self.next_id,
            persons,
            region,
            community,
            asked: Vec::new(),
            standing: Standing::Waiting,
            since: tick,
        });
        self.next_id += 1;
    }

    /// Persons accepted by `community` and not yet arrived.
    pub fn coming_to(&self, community: u32) -> u32 {
        self.arriving
            .iter()
            .filter(|a| a.community == community)
            .map(|a| a.persons)
            .sum()
    }

    /// A new day: today's counts start at 0, and the arrivals due are handed out.
    pub fn new_day(&mut self, tick: u32) -> Vec<Arrival> {
        self.accepted.iter_mut().for_each(|x| *x = 0);
        self.declined.iter_mut().for_each(|x| *x = 0);
        self.refused = 0;
        if self.arriving.is_empty() {
            return Vec::new();
        }
        let (due, later): (Vec<_>, Vec<_>) = self.arriving.drain(..).partition(|a| a.on <= tick);
        self.arriving = later;
        due
    }
}

/// The building work for newcomers who arrived (`population.influx = "decided"`), by
/// community: on arrival each adds `settling_hours` per person to the hours left, and that
/// over `SETTLING_DAYS` to the day's pace. The housing mechanism posts the day's pace (at most
/// what is left) to the construction syndicate (`BuildDay::settling_hours`) and takes off what
/// was worked; when nothing is left the pace returns to 0. Empty for a run where nobody arrives
/// so.
#[derive(Resource, Clone, Debug, Default)]
pub struct Settling {
    /// Effective hours still to work, by community.
    pub hours_left: Vec<f64>,
    /// Hours posted a day at full pace, by community.
    pub per_day: Vec<f64>,
}

impl Settling {
    pub fn new(communities: usize) -> Self {
        Self {
            hours_left: vec![0.0; communities],
            per_day: vec![0.0; communities],
        }
    }

    /// `persons` newcomers arrived in `community`: the hours of building their share, `each`
    /// a person (`settling_hours`).
    pub fn arrived(&mut self, community: u32, persons: u32, each: f64) {
        let hours = each * f64::from(persons);
        if !(hours > 0.0 && hours.is_finite()) {
            return;
        }
        let c = community as usize;
        self.hours_left[c] += hours;
        self.per_day[c] += hours / SETTLING_DAYS;
    }

    /// The hours community `c` posts today.
    pub fn today(&self, c: usize) -> f64 {
        match (self.per_day.get(c), self.hours_left.get(c)) {
            (Some(&pace), Some(&left)) if pace > 0.0 => pace.min(left),
            _ => 0.0,
        }
    }

    /// Community `c` worked `hours` of it today.
    pub fn worked(&mut self, c: usize, hours: f64) {
        if self.per_day[c] <= 0.0 {
            return;
        }
        self.hours_left[c] -= hours;
        // Hours are filled in single precision: done when less than a ten-thousandth of a
        // day's work is left.
        if self.hours_left[c] <= 1e-4 * self.per_day[c] {
            self.hours_left[c] = 0.0;
            self.per_day[c] = 0.0;
        }
    }
}
