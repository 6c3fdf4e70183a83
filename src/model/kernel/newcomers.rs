//! Newcomers who ask to join a community (`population.influx = "decided"`): the requests waiting
//! for an assembly, the newcomers accepted and arriving the next day, and today's counts.
//! Kept on `Government`; the proposal kind is `governance/proposals/newcomers.rs`, the arrival
//! `events::arrive` (called by `Simulation::begin_day`).

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Waiting for the assembly of `Request::community`.
    Waiting,
    /// Refused by that assembly today: the region places it elsewhere after the meetings.
    Refused,
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

    /// `persons` newcomers ask to join `community` of `region`.
    pub fn ask(&mut self, community: u32, region: u32, persons: u32) {
        self.requests.push(Request {
            id: self.next_id,
            persons,
            region,
            community,
            asked: Vec::new(),
            standing: Standing::Waiting,
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
