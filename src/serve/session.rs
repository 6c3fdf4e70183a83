//! The live session: one thread owns the simulations and steps them; the web server talks to it
//! through a command channel and listens to what it publishes.
//!
//! The thread never waits on a client. It publishes JSON messages on a broadcast channel (a client
//! that falls behind skips messages and is sent the whole state again) and keeps the session's
//! history in [`Shared`], from which new clients and downloads are served.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::{broadcast, oneshot};

use super::levers::{self, EVENT_BUTTONS, LEVERS, MAP_SERIES, SERIES};
use crate::model::events::{EventKind, ScheduledEvent};
use crate::model::kernel::log::LogKind;
use crate::model::metrics::community::{COMMUNITY_COLUMNS, CommunityMetrics};
use crate::model::{COLUMNS, Params, Simulation, TickMetrics};
use crate::scenario::{self, EventSpec, Scenario};

/// Days a session may run: the longest a scenario file allows, so a session always replays.
pub const MAX_TICKS: u32 = 36_500;
/// Fastest speed offered (days a second).
pub const MAX_SPEED: u32 = 1_000;
/// Most days one step command may ask for (ten years). A step runs day by day, with commands
/// handled between days, so a Pause stops it.
pub const MAX_STEP: u32 = 3_650;
/// Most rows of each lane's history sent to a client that joins (the state): a longer history is
/// sent one day in every few, so joining costs the same on any day. Days after joining come whole.
pub const MAX_HISTORY_POINTS: usize = 2_000;
/// Most persons a community may reach through newcomers: what a scenario file allows.
pub const MAX_COMMUNITY: u32 = 1_000;
/// Most feed entries kept for new clients.
const FEED_KEPT: usize = 500;
/// Least time between two publications of rows: clients get at most ~30 messages a second,
/// whatever the speed.
const PUBLISH_EVERY: Duration = Duration::from_millis(33);
/// Least time between two publications of the map's per-community figures.
const MAP_EVERY: Duration = Duration::from_millis(250);

/// A message to every client: an SSE event name and its JSON data.
#[derive(Clone, Debug)]
pub struct Message {
    pub event: &'static str,
    pub data: String,
}

/// What went wrong with a command: the client's fault (400), not found (404), or not now (409).
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Bad(String),
    NotFound(String),
    Busy(String),
}

pub type Reply = oneshot::Sender<Result<Value, Refusal>>;

/// A command to the session thread. Each carries where to send its answer.
#[derive(Debug)]
pub enum Command {
    Play(Reply),
    Pause(Reply),
    /// Run this many days now (paused or not).
    Step(u32, Reply),
    /// Days a second while playing.
    Speed(u32, Reply),
    /// Start again from the scenario files with this seed.
    Reset(u64, Reply),
    /// Change a lever of a lane: lane index, dotted path, JSON value.
    Lever(usize, String, Value, Reply),
    /// An event in a lane: lane index, and the event's keys but `day` (`kind` and its values).
    Event(usize, serde_json::Map<String, Value>, Reply),
    /// Run a copy of lane A (as loaded, without changes) beside it, both from day 0.
    CompareCopy(Reply),
    /// Fork lane A as it stands today into lane B: B replays A's scenario and changes up to
    /// today, and both go on from there.
    CompareFork(Reply),
    /// Stop comparing: keep lane A only.
    CompareOff(Reply),
    /// Take back the lane's last lever change (its lever gets its earlier value).
    Undo(usize, Reply),
    /// A student joins the classroom, with the token the server drew for them.
    Join(String, Reply),
    /// A student (by number, from 1) votes yes or no on an item of their community's agenda.
    Vote(usize, u32, bool, Reply),
    /// The presenter closes the vote under way now.
    CloseVote(Reply),
    /// A student (by number, from 1) offers hours a day to a syndicate (sector name) of their
    /// community for some days.
    Volunteer(usize, String, f64, u32, Reply),
}

impl Command {
    /// Whether the command moves or rebuilds the lanes, which must wait for a fork under way
    /// (changes wait through [`Session::voting`]).
    fn moves_lanes(&self) -> bool {
        matches!(
            self,
            Command::Play(_)
                | Command::Step(..)
                | Command::CompareCopy(_)
                | Command::CompareFork(_)
                | Command::CompareOff(_)
                | Command::CloseVote(_)
        )
    }

    /// Where the command's answer goes.
    fn into_reply(self) -> Reply {
        match self {
            Command::Play(r)
            | Command::Pause(r)
            | Command::Step(_, r)
            | Command::Speed(_, r)
            | Command::Reset(_, r)
            | Command::Lever(_, _, _, r)
            | Command::Event(_, _, r)
            | Command::CompareCopy(r)
            | Command::CompareFork(r)
            | Command::CompareOff(r)
            | Command::Undo(_, r)
            | Command::Join(_, r)
            | Command::Vote(_, _, _, r)
            | Command::CloseVote(r)
            | Command::Volunteer(_, _, _, _, r) => r,
        }
    }
}

/// Most students a classroom takes.
pub const MAX_STUDENTS: usize = 500;

/// A classroom session (`commune serve --classroom`): students join lane A's communities and
/// vote in their assemblies, which wait for them.
#[derive(Clone, Debug)]
pub struct ClassroomConfig {
    /// How long an assembly with students waits for their votes (while the presenter does not
    /// hold it).
    pub wait: Duration,
}

/// A student: a member of one of lane A's communities, followed by them.
#[derive(Clone, Debug)]
pub struct Student {
    /// What the student's requests carry (`X-Commune-Student`).
    pub token: String,
    pub community: u32,
    /// The member followed: their index among the community's members (see
    /// `Simulation::members`).
    pub member: usize,
    /// The member's hours of work on the last day run.
    pub hours: f32,
    /// The student's latest offer of hours and what became of it (`null`: none yet).
    pub offer: Value,
}

/// A student's offer of hours to a syndicate of their community (a `volunteer` event of lane
/// A), and what became of it.
#[derive(Clone, Debug)]
struct StudentOffer {
    /// Student index (from 0).
    student: usize,
    community: u32,
    sector: usize,
    sector_name: &'static str,
    hours: f64,
    /// Days `from` to `until` (not included).
    from: u32,
    until: u32,
    /// Hours taken so far, and on the last day run in the offer.
    taken: f64,
    last: f64,
    /// Days of the offer run so far.
    days_run: u32,
}

impl StudentOffer {
    fn json(&self) -> Value {
        json!({
            "student": self.student + 1,
            "community": self.community,
            "sector": self.sector_name,
            "hours": self.hours,
            "from": self.from,
            "until": self.until,
            "days_run": self.days_run,
            "offered": self.hours * f64::from(self.days_run),
            "taken": (self.taken * 100.0).round() / 100.0,
            "last": (self.last * 100.0).round() / 100.0,
        })
    }
}

/// Most offers sent to clients (the latest).
const OFFERS_SHOWN: usize = 200;

/// Longest the session runs a fork's replay before taking commands again.
const FORK_TURN: Duration = Duration::from_millis(50);

/// Lane B being made as a fork of lane A: the new lane, its replayed rows, the fork day, and
/// where to answer when it is done.
struct Forking {
    lane: Lane,
    rows: Vec<TickMetrics>,
    day: u32,
    reply: Reply,
}

/// The vote under way: lane A's day is open (`Simulation::open_day`) and its community
/// assemblies with students wait for them.
struct OpenVote {
    day: u32,
    /// The communities with students and something on their agenda: (community, items as
    /// (kind, text)).
    agendas: Vec<(u32, Vec<(&'static str, String)>)>,
    /// Each student's vote on each item: (student index, item) -> yes.
    votes: std::collections::BTreeMap<(usize, u32), bool>,
    /// When the wait ends, or (held by the presenter) the time left.
    deadline: Instant,
    held: Option<Duration>,
}

/// One simulation of the session.
struct Lane {
    /// The scenario as loaded (with the session's seed), its own events included.
    base: Scenario,
    /// Events added in the session (lever changes are `set` events), in order.
    added: Vec<EventSpec>,
    sim: Simulation,
    /// The scenario's figures for the last day run.
    communities: Vec<CommunityMetrics>,
    /// Log entries of the simulation already put in the feed.
    log_seen: usize,
    /// Session events announced in the feed when they were added, not to be announced again when
    /// the simulation logs them: (day, text).
    announced: Vec<(u32, String)>,
    /// The scenario's schedule (its events, then the session's, in that order), as parsing the
    /// session's scenario would give it; kept so that a change costs the same on any day.
    schedule: Vec<ScheduledEvent>,
    /// Lever changes that Undo can take back: (path, the value before).
    undo: Vec<(String, Value)>,
}

impl Lane {
    fn new(base: Scenario) -> Self {
        let mut sim = Simulation::new(base.params.clone(), base.meta.seed);
        sim.reschedule(base.schedule.iter().cloned());
        Self {
            schedule: base.schedule.clone(),
            base,
            added: Vec::new(),
            sim,
            communities: Vec::new(),
            log_seen: 0,
            announced: Vec::new(),
            undo: Vec::new(),
        }
    }

    /// What a new `[[events]]` entry of the session needs checked, in a scenario as small as the
    /// file's: the file's scenario with the parameters in force now, the new entry first, then
    /// the file's own events still to come (a `set` among them carries the parameters after it,
    /// which the new entry may change). Session events all fall on or before today, so none of
    /// them is needed: their effect is in the parameters in force. Checking costs the same
    /// however many changes the session has had.
    fn probe(&self) -> (Scenario, Vec<usize>) {
        let now = self.sim.tick();
        let mut s = self.base.clone();
        s.params = params_now(&self.schedule, now, &self.base.params);
        let later: Vec<usize> = (0..self.base.events.len())
            .filter(|&i| self.base.events[i].day > now)
            .collect();
        s.events = later.iter().map(|&i| self.base.events[i].clone()).collect();
        s.schedule.clear();
        (s, later)
    }

    /// The probe scenario (see [`Lane::probe`]) with the new `[[events]]` entry first, checked
    /// exactly as a scenario file is (it is written out and read back), and the file's events
    /// still to come (their indices in the file).
    fn with_event(&self, entry: toml::Table) -> Result<(Scenario, Vec<usize>), Refusal> {
        let (s, later) = self.probe();
        let mut table: toml::Table = toml::from_str(&s.to_toml()).expect("a scenario parses");
        let events = table
            .entry("events")
            .or_insert_with(|| toml::Value::Array(Vec::new()));
        let Some(events) = events.as_array_mut() else {
            return Err(Refusal::Bad(
                "the scenario's `events` is not an array".to_owned(),
            ));
        };
        let index = 0;
        events.insert(0, toml::Value::Table(entry));
        let text = toml::to_string(&table).expect("a table serializes");
        let parsed = scenario::parse(&text, &s.meta.name).map_err(|problems| {
            let this = format!("events[{index}]");
            Refusal::Bad(
                problems
                    .iter()
                    .map(|p| {
                        let key = p
                            .key
                            .replace(&format!("{this}."), "")
                            .replace(&this, "event");
                        format!("`{key}`: {}", p.message)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        Ok((parsed, later))
    }

    /// Takes the new entry of `parsed` (from [`Lane::with_event`]) into the session: it joins the
    /// schedule after the events before it, the file's events still to come take their new form,
    /// and the events still to come replace the simulation's, so the session runs exactly as its
    /// scenario file would.
    fn adopt(&mut self, parsed: &Scenario, later: &[usize]) -> EventKind {
        let kind = parsed.schedule[0].kind.clone();
        for (k, &i) in later.iter().enumerate() {
            self.schedule[i] = parsed.schedule[k + 1].clone();
        }
        self.schedule.push(parsed.schedule[0].clone());
        self.added.push(parsed.events[0].clone());
        let now = self.sim.tick();
        self.sim
            .reschedule(self.schedule.iter().filter(|e| e.tick >= now).cloned());
        self.announced.push((now, kind.describe()));
        kind
    }
}

/// The parameters set for the day after `now`: `params` with every `set` of `schedule` due by
/// then applied in day order (in file order within a day). Assembly decisions are not
/// parameters: they stay in the running world (see [`Lane::in_force`]).
fn params_now(schedule: &[ScheduledEvent], now: u32, params: &Params) -> Params {
    let mut due: Vec<&ScheduledEvent> = schedule.iter().filter(|e| e.tick <= now).collect();
    due.sort_by_key(|e| e.tick);
    let mut params = params.clone();
    for e in due {
        if let EventKind::Set { path, value } = &e.kind
            && let Ok(next) = params.with_value(path, value)
        {
            params = next;
        }
    }
    params
}

impl Lane {
    /// The policy in force from the next day, as the page shows it: the running world's
    /// parameters with the assemblies' decisions written over them, and the changes due at the
    /// start of that day.
    fn in_force(&self) -> Params {
        let now = self.sim.tick();
        let mut params = self.sim.in_force();
        for event in self.schedule.iter().filter(|e| e.tick == now) {
            if let EventKind::Set { path, value } = &event.kind
                && let Ok(next) = params.with_value(path, value)
            {
                params = next;
            }
        }
        params
    }

    /// Why each lever cannot act now (see [`levers::idle`]), under the policy in force.
    fn idle(&mut self) -> serde_json::Map<String, Value> {
        let reach = levers::Reach {
            rail_links: self.sim.rail_links().len(),
            capacity_kw: self.sim.capacity_kw(),
        };
        levers::idle(&self.in_force(), &reach)
    }
}

/// Days between two checks of which levers can act, besides those after every decision and
/// change (capacity can wear out unannounced).
const IDLE_EVERY: u32 = 30;

/// What the web server may read: everything that happened in the session.
#[derive(Default)]
pub struct Shared {
    /// Bumped at every reset and change of lanes, so clients know their history is stale.
    pub epoch: u64,
    pub playing: bool,
    pub speed: u32,
    pub tick: u32,
    pub lanes: Vec<LaneView>,
    pub feed: Vec<Value>,
    /// Set if the session thread has stopped (it should not).
    pub stopped: bool,
    /// A classroom session's students and vote; `None` for a plain session.
    pub classroom: Option<ClassroomState>,
    /// Bumped by every change the session makes ([`write`]).
    pub version: u64,
    /// The state message as of a version ([`state_message`]).
    pub state_cache: Option<(u64, Arc<Message>)>,
}

/// A classroom's students and the vote under way, as the web server sees them.
#[derive(Default)]
pub struct ClassroomState {
    /// Student n is `students[n - 1]`.
    pub students: Vec<Student>,
    /// The vote under way, as sent to clients (`null` when none).
    pub vote: Value,
    /// How long an assembly waits for the students (seconds).
    pub wait_secs: u64,
    /// When the vote under way ends, unless the presenter holds it.
    pub deadline: Option<Instant>,
    /// The students' offers of hours, as sent to clients (an array, oldest first).
    pub offers: Value,
    /// Each student community's labour shortage per sector on the last day run (effective
    /// hours, by sector name), for the students' page.
    pub shortage: std::collections::BTreeMap<u32, Vec<(&'static str, f64)>>,
}

/// A lane as the web server sees it.
pub struct LaneView {
    pub id: &'static str,
    /// The scenario file's own, with the session's seed.
    pub base: Scenario,
    /// Events added in the session, in order.
    pub added: Vec<EventSpec>,
    /// The levers' values in force from the next day.
    pub values: serde_json::Map<String, Value>,
    /// Why each lever that cannot act now cannot, by path (see [`levers::idle`]).
    pub idle: serde_json::Map<String, Value>,
    /// What the charts mark: each session event's day and what it did.
    pub changes: Vec<Value>,
    pub rows: Vec<TickMetrics>,
    pub communities: Vec<CommunityMetrics>,
    pub links: Vec<(u32, u32, f64)>,
}

impl LaneView {
    /// The scenario file that replays this lane: the scenario with the session's seed, the days
    /// run as `ticks`, and the session's events (lever changes as `set` events) after its own.
    pub fn replay_scenario(&self) -> Scenario {
        let mut s = self.base.clone();
        s.meta.ticks = self.rows.len().max(1) as u32;
        s.events.extend(self.added.iter().cloned());
        // Events on days not yet run never happened in the session.
        s.events.retain(|e| e.day < s.meta.ticks);
        s.sweep = None;
        s
    }
}

const LANE_IDS: [&str; 2] = ["a", "b"];

/// Locks `shared`, recovering from a poisoned lock (the data is plain history).
pub fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Locks `shared` to change it: the session thread's only way in, which marks the state sent to
/// new clients stale ([`state_message`]).
fn write(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    let mut sh = lock(shared);
    sh.version += 1;
    sh
}

/// The whole state as a message for a client that joins, made once for every client that joins
/// until the session changes it: joining costs one copy, not one serialization, per client.
pub fn state_message(shared: &Mutex<Shared>) -> Arc<Message> {
    let mut sh = lock(shared);
    if let Some((version, msg)) = &sh.state_cache
        && *version == sh.version
    {
        return msg.clone();
    }
    let msg = Arc::new(Message {
        event: "state",
        data: state_json(&sh).to_string(),
    });
    sh.state_cache = Some((sh.version, msg.clone()));
    msg
}

/// The session thread's state.
pub struct Session {
    scenarios: Vec<Scenario>,
    lanes: Vec<Lane>,
    playing: bool,
    speed: u32,
    shared: Arc<Mutex<Shared>>,
    out: broadcast::Sender<Arc<Message>>,
    /// Rows run but not yet published.
    unpublished: Vec<Vec<TickMetrics>>,
    last_publish: Instant,
    last_map: Instant,
    /// Days have run since the map's figures were last sent.
    map_pending: bool,
    /// A step command under way: the days it still has to run, and where to answer when done.
    stepping: Option<(u32, Reply)>,
    /// A classroom session's settings; `None` for a plain one.
    classroom: Option<ClassroomConfig>,
    /// The vote under way in a classroom session.
    vote: Option<OpenVote>,
    /// Lane B being made as a fork of lane A.
    forking: Option<Forking>,
    /// The students' offers of hours in lane A, oldest first, and whether what became of them
    /// has changed since clients were told.
    offers: Vec<StudentOffer>,
    offers_dirty: bool,
}

impl Session {
    /// A session over one scenario, or two side by side (the second runs with the first's seed,
    /// so the two see the same random draws).
    pub fn new(
        scenarios: Vec<Scenario>,
        shared: Arc<Mutex<Shared>>,
        out: broadcast::Sender<Arc<Message>>,
    ) -> Self {
        let mut s = Self {
            scenarios,
            lanes: Vec::new(),
            playing: false,
            speed: 10,
            shared,
            out,
            unpublished: Vec::new(),
            last_publish: Instant::now(),
            last_map: Instant::now(),
            map_pending: false,
            stepping: None,
            classroom: None,
            vote: None,
            forking: None,
            offers: Vec::new(),
            offers_dirty: false,
        };
        let seed = s.scenarios[0].meta.seed;
        s.start(seed, &s.scenarios.clone());
        s
    }

    /// Makes the session a classroom: students join lane A's communities and vote in their
    /// assemblies, which wait `cfg.wait` for them.
    pub fn with_classroom(mut self, cfg: ClassroomConfig) -> Self {
        let mut sh = write(&self.shared);
        sh.classroom = Some(ClassroomState {
            students: Vec::new(),
            vote: Value::Null,
            wait_secs: cfg.wait.as_secs(),
            deadline: None,
            offers: json!([]),
            shortage: std::collections::BTreeMap::new(),
        });
        drop(sh);
        self.classroom = Some(cfg);
        self
    }

    /// Starts every lane from day 0 with `seed`.
    fn start(&mut self, seed: u64, scenarios: &[Scenario]) {
        self.lanes = scenarios
            .iter()
            .take(LANE_IDS.len())
            .map(|s| {
                let mut s = s.clone();
                s.meta.seed = seed;
                s.sweep = None;
                Lane::new(s)
            })
            .collect();
        let idle: Vec<_> = self.lanes.iter_mut().map(Lane::idle).collect();
        // A fork under way, or a vote, was of lanes that are gone.
        if let Some(f) = self.forking.take() {
            let _ = f.reply.send(Err(Refusal::Busy(
                "the fork was given up: the session started again".to_owned(),
            )));
        }
        if self.vote.take().is_some() {
            self.publish_vote();
        }
        // So were the students' offers.
        if !self.offers.is_empty() {
            self.offers.clear();
            self.publish_offers();
        }
        self.unpublished = vec![Vec::new(); self.lanes.len()];
        self.map_pending = false;
        let mut sh = write(&self.shared);
        sh.epoch += 1;
        sh.tick = 0;
        sh.playing = self.playing;
        sh.speed = self.speed;
        sh.lanes = self
            .lanes
            .iter()
            .zip(LANE_IDS)
            .zip(idle)
            .map(|((lane, id), idle)| LaneView {
                id,
                base: lane.base.clone(),
                added: Vec::new(),
                values: levers::values(&lane.base, &lane.in_force()),
                idle,
                changes: Vec::new(),
                rows: Vec::new(),
                communities: Vec::new(),
                links: lane
                    .sim
                    .rail_links()
                    .iter()
                    .map(|l| (l.a, l.b, l.km))
                    .collect(),
            })
            .collect();
        let state = state_json(&sh);
        drop(sh);
        self.send("state", state.to_string());
    }

    fn tick(&self) -> u32 {
        self.lanes[0].sim.tick()
    }

    fn send(&self, event: &'static str, data: String) {
        // No receivers is fine: nobody is watching.
        let _ = self.out.send(Arc::new(Message { event, data }));
    }

    /// Adds an entry to the feed, dated today, and tells every client.
    fn note(&self, lane: Option<usize>, kind: &str, text: String) {
        self.note_on(self.tick(), lane, kind, text);
    }

    /// Adds an entry to the feed and tells every client.
    fn note_on(&self, day: u32, lane: Option<usize>, kind: &str, text: String) {
        let entry = json!({
            "tick": day,
            "lane": lane.map(|l| LANE_IDS[l]),
            "kind": kind,
            "text": text,
        });
        let mut sh = write(&self.shared);
        sh.feed.push(entry.clone());
        if sh.feed.len() > FEED_KEPT {
            let extra = sh.feed.len() - FEED_KEPT;
            sh.feed.drain(..extra);
        }
        drop(sh);
        self.send("feed", entry.to_string());
    }

    fn status(&self) -> Value {
        json!({ "playing": self.playing, "speed": self.speed, "tick": self.tick() })
    }

    fn publish_status(&self) {
        let mut sh = write(&self.shared);
        sh.playing = self.playing;
        sh.speed = self.speed;
        drop(sh);
        self.send("status", self.status().to_string());
    }

    /// Runs one day in every lane, in step; returns whether it ran. In a classroom, when lane
    /// A's community assemblies with students take something up, the day stops at their vote
    /// (it is finished when the vote closes: [`Session::close_vote`]) and this returns false.
    fn step(&mut self) -> bool {
        if self.vote.is_some() {
            return false;
        }
        if self.tick() >= MAX_TICKS {
            if self.playing {
                self.playing = false;
                self.note(
                    None,
                    "note",
                    format!("paused: a session runs at most {MAX_TICKS} days"),
                );
                self.publish_status();
            }
            return false;
        }
        // Lane A's day runs in two halves, cut at the assemblies' vote; without students the
        // second follows at once. (A day so cut is the day run whole, to the bit.)
        self.lanes[0].sim.open_day();
        if self.open_vote() {
            return false;
        }
        self.finish_day();
        true
    }

    /// Runs the rest of the day in every lane: lane A's open day is closed and the other lanes
    /// run theirs.
    fn finish_day(&mut self) {
        let mut notes = Vec::new();
        let mut logged = Vec::new();
        for (i, lane) in self.lanes.iter_mut().enumerate() {
            let row = if lane.sim.is_open() {
                lane.sim.close_day()
            } else {
                lane.sim.step()
            };
            if i == 0 && !self.offers.is_empty() {
                self.offers_dirty |= account_offers(&mut self.offers, &lane.sim);
            }
            lane.communities.clear();
            lane.sim.community_metrics(&mut lane.communities);
            self.unpublished[i].push(row);
            self.map_pending = true;
            let entries = new_log_entries(lane);
            if !entries.is_empty() {
                logged.push(i);
            }
            notes.extend(entries.into_iter().map(|(k, t, d)| (i, k, t, d)));
        }
        for (lane, kind, text, day) in notes {
            self.note_on(day, Some(lane), kind, text);
        }
        // A decision or a scheduled change may have moved a lever: the page shows the policy in
        // force, so tell it.
        for i in logged {
            self.refresh_values(i);
        }
        if self.tick().is_multiple_of(IDLE_EVERY) {
            for i in 0..self.lanes.len() {
                self.refresh_idle(i);
            }
        }
    }

    /// In a classroom, with lane A's day open: if an assembly of a community with students
    /// takes something up, opens the vote (the assemblies wait for the students) and says so.
    fn open_vote(&mut self) -> bool {
        let Some(cfg) = &self.classroom else {
            return false;
        };
        let wait = cfg.wait;
        let mut communities: Vec<u32> = write(&self.shared)
            .classroom
            .as_ref()
            .map(|c| c.students.iter().map(|s| s.community).collect())
            .unwrap_or_default();
        communities.sort_unstable();
        communities.dedup();
        let sim = &self.lanes[0].sim;
        let agendas: Vec<_> = communities
            .into_iter()
            .map(|c| (c, sim.agenda(c)))
            .filter(|(_, items)| !items.is_empty())
            .collect();
        if agendas.is_empty() {
            return false;
        }
        let day = self.tick();
        self.vote = Some(OpenVote {
            day,
            agendas,
            votes: std::collections::BTreeMap::new(),
            deadline: Instant::now() + wait,
            held: None,
        });
        self.note(
            Some(0),
            "vote",
            format!(
                "the assemblies of communities with students meet on day {day}; students vote \
                 for {} s",
                wait.as_secs()
            ),
        );
        self.publish(true);
        self.publish_vote();
        true
    }

    /// The vote under way, as the presenter and the students see it (`null` if none).
    fn vote_json(&self) -> Value {
        let Some(v) = &self.vote else {
            return Value::Null;
        };
        let students = write(&self.shared)
            .classroom
            .as_ref()
            .map(|c| c.students.iter().map(|s| s.community).collect::<Vec<_>>())
            .unwrap_or_default();
        let left = v
            .held
            .unwrap_or_else(|| v.deadline.saturating_duration_since(Instant::now()));
        let agendas: Vec<Value> = v
            .agendas
            .iter()
            .map(|(c, items)| {
                let items: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .map(|(k, (kind, text))| {
                        let cast = v.votes.iter().filter(|((s, item), _)| {
                            *item == k as u32 && students.get(*s) == Some(c)
                        });
                        let (yes, no) =
                            cast.fold(
                                (0, 0),
                                |(y, n), (_, &yes)| {
                                    if yes { (y + 1, n) } else { (y, n + 1) }
                                },
                            );
                        json!({ "item": k, "kind": kind, "text": text, "yes": yes, "no": no })
                    })
                    .collect();
                let members = students.iter().filter(|s| *s == c).count();
                json!({ "community": c, "students": members, "items": items })
            })
            .collect();
        json!({
            "day": v.day,
            "agendas": agendas,
            "seconds_left": left.as_secs_f64().ceil(),
            "held": v.held.is_some(),
            "voted": v.votes.iter().map(|((s, item), yes)| json!([s + 1, item, yes])).collect::<Vec<_>>(),
        })
    }

    /// Tells every client about the vote under way (or that there is none).
    fn publish_vote(&self) {
        let vote = self.vote_json();
        if let Some(c) = write(&self.shared).classroom.as_mut() {
            c.vote = vote.clone();
            c.deadline = self
                .vote
                .as_ref()
                .and_then(|v| v.held.is_none().then_some(v.deadline));
        }
        self.send("vote", vote.to_string());
    }

    /// Closes the vote under way: the students' votes are cast into lane A's open day and kept
    /// in its session as `vote` events of that day (so its scenario file replays them), and the
    /// day is finished. Returns whether there was a vote.
    fn close_vote(&mut self) -> bool {
        let Some(v) = self.vote.take() else {
            return false;
        };
        let students: Vec<u32> = write(&self.shared)
            .classroom
            .as_ref()
            .map(|c| c.students.iter().map(|s| s.community).collect())
            .unwrap_or_default();
        let mut specs = Vec::new();
        let lane = &mut self.lanes[0];
        for (&(student, item), &yes) in &v.votes {
            let community = students[student];
            if lane.sim.vote(community, item, yes).is_err() {
                continue;
            }
            let kind = EventKind::Vote {
                community,
                item,
                yes,
            };
            lane.announced.push((v.day, kind.describe()));
            lane.schedule.push(ScheduledEvent { tick: v.day, kind });
            let spec = EventSpec {
                day: v.day,
                kind: "vote".to_owned(),
                community: Some(community),
                item: Some(item),
                yes: Some(yes),
                ..EventSpec::default()
            };
            lane.added.push(spec.clone());
            specs.push(spec);
        }
        write(&self.shared).lanes[0].added.extend(specs);
        for (c, items) in &v.agendas {
            for (k, (_, text)) in items.iter().enumerate() {
                let cast: Vec<bool> = v
                    .votes
                    .iter()
                    .filter(|((s, item), _)| *item == k as u32 && students[*s] == *c)
                    .map(|(_, &yes)| yes)
                    .collect();
                let yes = cast.iter().filter(|&&y| y).count();
                self.note_on(
                    v.day,
                    Some(0),
                    "vote",
                    format!(
                        "community {c}: students voted {yes} for, {} against \"{text}\"",
                        cast.len() - yes
                    ),
                );
            }
        }
        self.publish_vote();
        self.finish_day();
        self.publish(true);
        // The day the vote held up counts in a step under way.
        if let Some((left, _)) = &mut self.stepping {
            *left -= 1;
            if *left == 0 || self.tick() >= MAX_TICKS {
                self.finish_step();
            }
        }
        true
    }

    /// A student's vote on an item of their community's agenda; the vote closes early once every
    /// student of the communities voting has voted on each of their items.
    fn student_vote(&mut self, student: usize, item: u32, yes: bool) -> Result<Value, Refusal> {
        let community = write(&self.shared)
            .classroom
            .as_ref()
            .and_then(|c| c.students.get(student).map(|s| s.community))
            .ok_or_else(|| Refusal::NotFound("no such student".to_owned()))?;
        let Some(v) = &mut self.vote else {
            return Err(Refusal::Busy(
                "no assembly is voting now; wait for your community's next meeting".to_owned(),
            ));
        };
        let Some((_, items)) = v.agendas.iter().find(|(c, _)| *c == community) else {
            return Err(Refusal::Busy(format!(
                "community {community}'s assembly is not voting now"
            )));
        };
        if item as usize >= items.len() {
            return Err(Refusal::Bad(format!(
                "community {community}'s assembly has items 0 to {} now, not {item}",
                items.len() - 1
            )));
        }
        v.votes.insert((student, item), yes);
        let day = v.day;
        let students: Vec<u32> = write(&self.shared)
            .classroom
            .as_ref()
            .map(|c| c.students.iter().map(|s| s.community).collect())
            .unwrap_or_default();
        let all = v.agendas.iter().all(|(c, items)| {
            students
                .iter()
                .enumerate()
                .filter(|(_, sc)| *sc == c)
                .all(|(s, _)| (0..items.len() as u32).all(|k| v.votes.contains_key(&(s, k))))
        });
        self.note(
            Some(0),
            "vote",
            format!(
                "student {} votes {} item {item} in community {community}",
                student + 1,
                if yes { "for" } else { "against" }
            ),
        );
        self.publish_vote();
        if all {
            self.close_vote();
        }
        Ok(json!({ "day": day, "community": community, "item": item, "yes": yes }))
    }

    /// A student offers `hours` a day to `sector` of their community for `days` days, from the
    /// next day to begin (the day after a vote under way): a `volunteer` event of lane A, kept
    /// in its session as votes are, so its scenario file replays it. A student has one offer in
    /// force at a time.
    fn volunteer(
        &mut self,
        student: usize,
        sector: &str,
        hours: f64,
        days: u32,
    ) -> Result<Value, Refusal> {
        let community = write(&self.shared)
            .classroom
            .as_ref()
            .and_then(|c| c.students.get(student).map(|s| s.community))
            .ok_or_else(|| Refusal::NotFound("no such student".to_owned()))?;
        let kind =
            scenario::events::volunteer(community, sector, hours, days).map_err(|wrong| {
                Refusal::Bad(
                    wrong
                        .iter()
                        .map(|(key, message)| format!("`{key}`: {message}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
        let lane = &mut self.lanes[0];
        let day = lane.sim.tick() + u32::from(lane.sim.is_open());
        if day >= MAX_TICKS {
            return Err(Refusal::Busy(format!(
                "the session runs at most {MAX_TICKS} days"
            )));
        }
        if let Some(o) = self
            .offers
            .iter()
            .find(|o| o.student == student && o.until > day)
        {
            return Err(Refusal::Busy(format!(
                "you already give {} h a day to the {} syndicate until day {}; offer again \
                 when it ends",
                o.hours,
                o.sector_name,
                o.until - 1
            )));
        }
        let EventKind::Volunteer { sector, .. } = kind else {
            unreachable!("a volunteer event");
        };
        lane.announced.push((day, kind.describe()));
        lane.schedule.push(ScheduledEvent {
            tick: day,
            kind: kind.clone(),
        });
        lane.sim.schedule_event(ScheduledEvent { tick: day, kind });
        let spec = EventSpec {
            day,
            kind: "volunteer".to_owned(),
            community: Some(community),
            sector: Some(sector.name().to_owned()),
            hours: Some(hours),
            days: Some(days),
            ..EventSpec::default()
        };
        lane.added.push(spec.clone());
        write(&self.shared).lanes[0].added.push(spec);
        self.offers.push(StudentOffer {
            student,
            community,
            sector: sector.index(),
            sector_name: sector.name(),
            hours,
            from: day,
            until: day + days,
            taken: 0.0,
            last: 0.0,
            days_run: 0,
        });
        self.note(
            Some(0),
            "volunteer",
            format!(
                "student {} offers {hours} h a day to the {} syndicate of community {community} \
                 for {days} day{}, from day {day}",
                student + 1,
                sector.name(),
                if days == 1 { "" } else { "s" }
            ),
        );
        self.publish_offers();
        // Offers long over are forgotten (each student's last is kept on their page).
        if self.offers.len() > 4 * OFFERS_SHOWN {
            let keep_from = self.offers.len() - OFFERS_SHOWN;
            let mut i = 0;
            self.offers.retain(|o| {
                i += 1;
                i > keep_from || o.until > day
            });
        }
        Ok(
            json!({ "community": community, "sector": sector.name(), "hours": hours,
                    "days": days, "from": day }),
        )
    }

    /// Tells every client about the students' offers and what became of them.
    fn publish_offers(&mut self) {
        self.offers_dirty = false;
        let from = self.offers.len().saturating_sub(OFFERS_SHOWN);
        let offers = Value::Array(self.offers[from..].iter().map(StudentOffer::json).collect());
        if let Some(c) = write(&self.shared).classroom.as_mut() {
            for o in &self.offers {
                if let Some(student) = c.students.get_mut(o.student) {
                    student.offer = o.json();
                }
            }
            c.offers = offers.clone();
        }
        self.send("offers", offers.to_string());
    }

    /// A student joins: a member of lane A's communities in turn (student n of a community
    /// follows its n-th adult member).
    fn join(&mut self, token: String) -> Result<Value, Refusal> {
        if self.classroom.is_none() {
            return Err(Refusal::NotFound(
                "this session is not a classroom (start it with --classroom)".to_owned(),
            ));
        }
        let n = write(&self.shared)
            .classroom
            .as_ref()
            .map_or(0, |c| c.students.len());
        if n >= MAX_STUDENTS {
            return Err(Refusal::Busy(format!(
                "the classroom is full ({MAX_STUDENTS} students)"
            )));
        }
        let communities = self.lanes[0].base.params.population.communities;
        let community = n as u32 % communities;
        let nth = n / communities as usize;
        let members = self.lanes[0].sim.members(community);
        let adults: Vec<usize> = (0..members.len()).filter(|&i| members[i].adult).collect();
        let member = if adults.is_empty() {
            nth % members.len().max(1)
        } else {
            adults[nth % adults.len()]
        };
        let hours = members.get(member).map_or(0.0, |m| m.hours);
        let number = n + 1;
        let mut joined = Vec::new();
        if let Some(c) = write(&self.shared).classroom.as_mut() {
            c.students.push(Student {
                token: token.clone(),
                community,
                member,
                hours,
                offer: Value::Null,
            });
            joined = c.students.iter().map(|s| s.community).collect();
        }
        // Every page learns who has joined (each student's community; no tokens).
        self.send("classroom", json!({ "students": joined }).to_string());
        self.note(
            Some(0),
            "join",
            format!("student {number} joined: a member of community {community}"),
        );
        Ok(json!({ "student": number, "token": token, "community": community, "member": member }))
    }

    /// Updates the hours of the members the students follow (lane A, the last day run).
    fn refresh_students(&mut self) {
        let mut sh = write(&self.shared);
        let Some(c) = sh.classroom.as_mut() else {
            return;
        };
        let mut communities: Vec<u32> = c.students.iter().map(|s| s.community).collect();
        communities.sort_unstable();
        communities.dedup();
        for community in communities {
            let members = self.lanes[0].sim.members(community);
            for s in c.students.iter_mut().filter(|s| s.community == community) {
                s.hours = members.get(s.member).map_or(0.0, |m| m.hours);
            }
            let short = self.lanes[0].sim.sector_shortage(community);
            c.shortage.insert(
                community,
                crate::model::kernel::params::Sector::all()
                    .zip(short)
                    .map(|(s, h)| (s.name(), h))
                    .collect(),
            );
        }
    }

    /// Sends which levers of lane `i` cannot act, and why, if that changed.
    fn refresh_idle(&mut self, i: usize) {
        let idle = self.lanes[i].idle();
        let mut sh = write(&self.shared);
        let Some(view) = sh.lanes.get_mut(i) else {
            return;
        };
        if view.idle == idle {
            return;
        }
        view.idle.clone_from(&idle);
        drop(sh);
        self.send(
            "idle",
            json!({ "lane": LANE_IDS[i], "idle": idle }).to_string(),
        );
    }

    /// Sends the levers of lane `i` whose value in force differs from what the page shows.
    fn refresh_values(&mut self, i: usize) {
        let lane = &self.lanes[i];
        let values = levers::values(&lane.base, &lane.in_force());
        let mut sh = write(&self.shared);
        let Some(view) = sh.lanes.get_mut(i) else {
            return;
        };
        let changed: Vec<(String, Value)> = values
            .into_iter()
            .filter(|(k, v)| view.values.get(k) != Some(v))
            .collect();
        for (k, v) in &changed {
            view.values.insert(k.clone(), v.clone());
        }
        drop(sh);
        let day = self.tick();
        for (path, value) in changed {
            self.send(
                "lever",
                json!({ "lane": LANE_IDS[i], "path": path, "value": value, "day": day })
                    .to_string(),
            );
        }
        self.refresh_idle(i);
    }

    /// Sends the rows run since the last publication (and the map, if it is due).
    fn publish(&mut self, force: bool) {
        if self.unpublished.iter().all(Vec::is_empty) && !self.map_pending {
            return;
        }
        let now = Instant::now();
        if !force && now.duration_since(self.last_publish) < PUBLISH_EVERY {
            return;
        }
        let with_map =
            self.map_pending && (force || now.duration_since(self.last_map) >= MAP_EVERY);
        if !with_map && self.unpublished.iter().all(Vec::is_empty) {
            return;
        }
        self.last_publish = now;
        if with_map {
            self.last_map = now;
            self.map_pending = false;
            self.refresh_students();
            if self.offers_dirty {
                self.publish_offers();
            }
        }
        let tick = self.tick();
        let mut sh = write(&self.shared);
        let epoch = sh.epoch;
        sh.tick = tick;
        let mut lanes = Vec::new();
        for (i, lane) in self.lanes.iter().enumerate() {
            let rows = std::mem::take(&mut self.unpublished[i]);
            let view = &mut sh.lanes[i];
            lanes.push(json!({
                "rows": series_rows(&rows),
                "communities": if with_map { map_json(&lane.communities) } else { Value::Null },
            }));
            view.rows.extend_from_slice(&rows);
            view.communities.clone_from(&lane.communities);
        }
        drop(sh);
        let msg = json!({ "epoch": epoch, "tick": tick, "lanes": lanes });
        self.send("ticks", msg.to_string());
    }

    fn lane(&self, lane: usize) -> Result<&Lane, Refusal> {
        self.lanes.get(lane).ok_or_else(|| {
            Refusal::NotFound(format!(
                "there is no lane {}",
                LANE_IDS.get(lane).unwrap_or(&"?")
            ))
        })
    }

    /// Adds an event to a lane's session from the next day on, checked as a scenario file's
    /// `[[events]]` entry is; returns the day it takes effect and what it does.
    fn add_event(
        &mut self,
        lane: usize,
        mut entry: toml::Table,
    ) -> Result<(u32, EventKind), Refusal> {
        let day = self.tick();
        entry.insert("day".to_owned(), toml::Value::Integer(i64::from(day)));
        let (parsed, later) = self.lane(lane)?.with_event(entry)?;
        let l = &mut self.lanes[lane];
        let kind = l.adopt(&parsed, &later);
        let values = levers::values(&l.base, &l.in_force());
        let index = 0;
        let change = json!({
            "day": day,
            "kind": parsed.events[index].kind,
            "text": kind.describe(),
            "path": parsed.events[index].path,
            "value": parsed.events[index].value.as_ref().map(levers::to_json),
        });
        let mut sh = write(&self.shared);
        let view = &mut sh.lanes[lane];
        view.added.push(parsed.events[index].clone());
        view.values = values;
        view.changes.push(change.clone());
        drop(sh);
        self.send(
            "change",
            json!({ "lane": LANE_IDS[lane], "change": change }).to_string(),
        );
        self.refresh_idle(lane);
        Ok((day, kind))
    }

    fn lever(&mut self, lane: usize, path: &str, value: &Value) -> Result<Value, Refusal> {
        self.lane(lane)?;
        let Some(lever) = levers::lever(path) else {
            let known: Vec<_> = LEVERS.iter().map(|l| l.path).collect();
            return Err(Refusal::Bad(format!(
                "`{path}` is not a lever; the levers are {}",
                known.join(", ")
            )));
        };
        let value = levers::to_toml(lever, value).map_err(Refusal::Bad)?;
        let mut entry = toml::Table::new();
        entry.insert("kind".to_owned(), "set".into());
        entry.insert("path".to_owned(), path.into());
        entry.insert("value".to_owned(), value.clone());
        let before = write(&self.shared).lanes[lane].values.get(path).cloned();
        let (day, _) = self.add_event(lane, entry)?;
        if let Some(before) = before {
            self.lanes[lane].undo.push((path.to_owned(), before));
        }
        let shown = levers::to_json(&value);
        self.note(
            Some(lane),
            "lever",
            format!("{} ({path}) set to {shown} from day {day}", lever.label),
        );
        self.send(
            "lever",
            json!({ "lane": LANE_IDS[lane], "path": path, "value": shown, "day": day }).to_string(),
        );
        Ok(json!({ "lane": LANE_IDS[lane], "path": path, "value": shown, "day": day }))
    }

    fn event(
        &mut self,
        lane: usize,
        fields: serde_json::Map<String, Value>,
    ) -> Result<Value, Refusal> {
        self.lane(lane)?;
        let kind = match fields.get("kind") {
            Some(Value::String(k)) => k.clone(),
            _ => {
                return Err(Refusal::Bad(
                    "an event needs `kind`, like \"drought\"".to_owned(),
                ));
            }
        };
        if kind == "influx" {
            self.check_newcomers(lane, &fields)?;
        }
        if kind == "set" {
            return Err(Refusal::Bad(
                "policy changes go through /api/lever".to_owned(),
            ));
        }
        let mut entry = toml::Table::new();
        for (key, value) in fields {
            if key == "day" {
                return Err(Refusal::Bad(
                    "an event takes effect from the next day; it takes no `day`".to_owned(),
                ));
            }
            let value = match value {
                Value::Bool(b) => toml::Value::Boolean(b),
                Value::String(w) => toml::Value::String(w),
                Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                    (Some(i), _) => toml::Value::Integer(i),
                    (None, Some(x)) if x.is_finite() => toml::Value::Float(x),
                    _ => return Err(Refusal::Bad(format!("`{key}` is not a usable number"))),
                },
                _ => {
                    return Err(Refusal::Bad(format!(
                        "`{key}` must be a number, text or true/false"
                    )));
                }
            };
            entry.insert(key, value);
        }
        let (day, kind) = self.add_event(lane, entry)?;
        let text = kind.describe();
        self.note(Some(lane), "event", format!("{text}, from day {day}"));
        Ok(json!({ "lane": LANE_IDS[lane], "day": day, "text": text }))
    }

    /// Refuses newcomers that would take a community beyond [`MAX_COMMUNITY`] persons, the most
    /// a scenario file allows (values the scenario check refuses anyway are left to it).
    fn check_newcomers(
        &self,
        lane: usize,
        fields: &serde_json::Map<String, Value>,
    ) -> Result<(), Refusal> {
        let number = |key: &str| fields.get(key).and_then(Value::as_u64);
        let (Some(community), Some(persons)) = (number("community"), number("persons")) else {
            return Ok(());
        };
        if persons > u64::from(MAX_COMMUNITY) {
            return Err(Refusal::Bad(format!(
                "`persons`: at most {MAX_COMMUNITY} newcomers at once (a community holds at most \
                 {MAX_COMMUNITY} persons), not {persons}"
            )));
        }
        let l = &self.lanes[lane];
        let Ok(community) = u32::try_from(community) else {
            return Ok(());
        };
        if community >= l.base.params.population.communities {
            return Ok(());
        }
        let now = l.sim.tick();
        let living = l
            .communities
            .iter()
            .find(|c| c.community == community)
            .map_or(l.base.params.population.persons_per_community, |c| {
                c.persons
            });
        // Newcomers already sent for today, who arrive with these.
        let coming: u64 = l
            .base
            .events
            .iter()
            .chain(&l.added)
            .filter(|e| e.day == now && e.kind == "influx" && e.community == Some(community))
            .map(|e| u64::from(e.persons.unwrap_or(0)))
            .sum();
        let total = u64::from(living) + coming + persons;
        if total > u64::from(MAX_COMMUNITY) {
            return Err(Refusal::Bad(format!(
                "`persons`: community {community} has {} persons; {persons} newcomers would \
                 make {total}, more than the {MAX_COMMUNITY} a community may hold",
                u64::from(living) + coming
            )));
        }
        Ok(())
    }

    fn handle(&mut self, cmd: Command) {
        if cmd.moves_lanes()
            && let Some(refusal) = self.forking()
        {
            let _ = cmd.into_reply().send(Err(refusal));
            return;
        }
        match cmd {
            Command::Play(reply) => {
                if self.tick() >= MAX_TICKS {
                    let _ = reply.send(Err(Refusal::Bad(format!(
                        "the session has run its {MAX_TICKS} days; reset to start again"
                    ))));
                    return;
                }
                self.playing = true;
                if let Some(v) = &mut self.vote
                    && let Some(left) = v.held.take()
                {
                    v.deadline = Instant::now() + left;
                    self.publish_vote();
                }
                self.publish_status();
                let _ = reply.send(Ok(self.status()));
            }
            Command::Pause(reply) => {
                self.playing = false;
                // A vote under way waits while the class discusses.
                if let Some(v) = &mut self.vote
                    && v.held.is_none()
                {
                    v.held = Some(v.deadline.saturating_duration_since(Instant::now()));
                    self.publish_vote();
                }
                self.finish_step();
                self.publish(true);
                self.publish_status();
                let _ = reply.send(Ok(self.status()));
            }
            Command::Step(n, reply) => {
                let room = MAX_TICKS - self.tick();
                if n == 0 || n > room.min(MAX_STEP) {
                    let _ = reply.send(Err(Refusal::Bad(format!(
                        "can step 1 to {} days now (at most {MAX_STEP} at once; a session runs \
                         at most {MAX_TICKS})",
                        room.min(MAX_STEP)
                    ))));
                    return;
                }
                if self.stepping.is_some() {
                    let _ = reply.send(Err(Refusal::Busy(
                        "a step is under way; wait for it, or pause to stop it".to_owned(),
                    )));
                    return;
                }
                // The days run one at a time in `run`, with commands handled between them.
                self.stepping = Some((n, reply));
            }
            Command::Speed(speed, reply) => {
                if !(1..=MAX_SPEED).contains(&speed) {
                    let _ = reply.send(Err(Refusal::Bad(format!(
                        "speed must be 1 to {MAX_SPEED} days a second, not {speed}"
                    ))));
                    return;
                }
                self.speed = speed;
                self.publish_status();
                let _ = reply.send(Ok(self.status()));
            }
            Command::Reset(seed, reply) => {
                self.finish_step();
                self.publish(true);
                let scenarios: Vec<Scenario> = self.lanes.iter().map(|l| l.base.clone()).collect();
                self.playing = false;
                write(&self.shared).feed.clear();
                self.start(seed, &scenarios);
                self.note(None, "reset", format!("started again with seed {seed}"));
                let _ = reply.send(Ok(json!({ "seed": seed })));
            }
            Command::Lever(lane, path, value, reply) => {
                if let Some(refusal) = self.voting() {
                    let _ = reply.send(Err(refusal));
                    return;
                }
                // Days already run are published first, so the change sits after them.
                self.publish(true);
                let _ = reply.send(self.lever(lane, &path, &value));
            }
            Command::Event(lane, fields, reply) => {
                if let Some(refusal) = self.voting() {
                    let _ = reply.send(Err(refusal));
                    return;
                }
                self.publish(true);
                let _ = reply.send(self.event(lane, fields));
            }
            Command::CompareCopy(reply) => {
                self.finish_step();
                self.publish(true);
                let a = self.lanes[0].base.clone();
                let seed = a.meta.seed;
                let mut b = a.clone();
                b.meta.name = format!("{}-b", a.meta.name);
                self.playing = false;
                self.start(seed, &[a, b]);
                self.note(
                    None,
                    "reset",
                    format!("side by side: A and a copy B, both from day 0 with seed {seed}"),
                );
                let _ = reply.send(Ok(json!({ "lanes": 2 })));
            }
            Command::CompareFork(reply) => {
                self.finish_step();
                self.publish(true);
                self.playing = false;
                self.publish_status();
                self.fork(reply);
            }
            Command::CompareOff(reply) => {
                // Lane A goes on as it is; only lane B is dropped.
                self.finish_step();
                self.publish(true);
                self.lanes.truncate(1);
                self.unpublished.truncate(1);
                let mut sh = write(&self.shared);
                sh.lanes.truncate(1);
                sh.epoch += 1;
                let state = state_json(&sh);
                drop(sh);
                self.send("state", state.to_string());
                self.note(None, "reset", "lane A alone: lane B dropped".to_owned());
                let _ = reply.send(Ok(json!({ "lanes": 1 })));
            }
            Command::Undo(lane, reply) => {
                if let Some(refusal) = self.voting() {
                    let _ = reply.send(Err(refusal));
                    return;
                }
                self.publish(true);
                let _ = reply.send(self.undo(lane));
            }
            Command::Join(token, reply) => {
                let _ = reply.send(self.join(token));
            }
            Command::Vote(student, item, yes, reply) => {
                let _ = reply.send(self.student_vote(student, item, yes));
            }
            Command::Volunteer(student, sector, hours, days, reply) => {
                if let Some(refusal) = self.forking() {
                    let _ = reply.send(Err(refusal));
                    return;
                }
                self.publish(true);
                let _ = reply.send(self.volunteer(student, &sector, hours, days));
            }
            Command::CloseVote(reply) => {
                let day = self.vote.as_ref().map(|v| v.day);
                let _ = reply.send(if self.close_vote() {
                    Ok(json!({ "closed": day, "tick": self.tick() }))
                } else {
                    Err(Refusal::Busy("no vote is under way".to_owned()))
                });
            }
        }
    }

    /// Why the lanes cannot move or change now: lane B is being forked from A.
    fn forking(&self) -> Option<Refusal> {
        self.forking.as_ref().map(|f| {
            Refusal::Busy(format!(
                "lane B is being forked from A on day {} (day {} of its replay); wait for it",
                f.day,
                f.lane.sim.tick()
            ))
        })
    }

    /// Why a change cannot be made now: lane B is being forked, or the assemblies are voting in
    /// lane A's day under way (a change takes effect from the next day, which has begun).
    fn voting(&self) -> Option<Refusal> {
        if let Some(refusal) = self.forking() {
            return Some(refusal);
        }
        self.vote.as_ref().map(|v| {
            Refusal::Busy(format!(
                "the assemblies of day {} are voting; close the vote, or wait for it, first",
                v.day
            ))
        })
    }

    /// Lane B becomes a fork of lane A as it stands today. A bevy world cannot be copied, but it
    /// can be made again: B is a new simulation of A's scenario, seed and schedule (the file's
    /// events and the session's changes), run from day 0 to today, which is A's state to the bit
    /// (the same inputs give the same world, which is what makes a session's scenario file replay
    /// it). B's history is the replay's own rows, and its changes, undo list and downloads are
    /// A's; from tomorrow the two differ only by what is done to one of them. Forking at day N
    /// takes as long as running N days at full speed: the replay runs in turns of
    /// [`FORK_TURN`] with commands taken between them ([`Session::fork_some`]), and the lanes
    /// stand still meanwhile.
    fn fork(&mut self, reply: Reply) {
        let now = self.tick();
        let a = &self.lanes[0];
        let mut base = a.base.clone();
        base.meta.name = format!("{}-b", a.base.meta.name);
        let mut b = Lane::new(base);
        b.schedule.clone_from(&a.schedule);
        b.added.clone_from(&a.added);
        b.undo.clone_from(&a.undo);
        b.announced = a
            .announced
            .iter()
            .filter(|(day, _)| *day >= now)
            .cloned()
            .collect();
        b.sim.reschedule(b.schedule.iter().cloned());
        self.note(
            None,
            "note",
            format!(
                "side by side: making lane B, a fork of A on day {now} (replaying its {now} days)"
            ),
        );
        self.forking = Some(Forking {
            lane: b,
            rows: Vec::with_capacity(now as usize),
            day: now,
            reply,
        });
    }

    /// Runs the fork under way on for a moment (commands are taken between such turns, so a
    /// Pause or a vote is answered meanwhile); when it has reached the fork day, lane B joins.
    fn fork_some(&mut self) {
        let Some(f) = &mut self.forking else {
            return;
        };
        let until = Instant::now() + FORK_TURN;
        while f.lane.sim.tick() < f.day && Instant::now() < until {
            f.rows.push(f.lane.sim.step());
        }
        if f.lane.sim.tick() < f.day {
            return;
        }
        let Forking {
            lane: mut b,
            rows,
            day: now,
            reply,
        } = self.forking.take().expect("a fork under way");
        b.sim.community_metrics(&mut b.communities);
        b.log_seen = b.sim.log().len();
        let idle = b.idle();
        let values = levers::values(&b.base, &b.in_force());
        let links = b
            .sim
            .rail_links()
            .iter()
            .map(|l| (l.a, l.b, l.km))
            .collect();
        let mut sh = write(&self.shared);
        let (added, changes) = (sh.lanes[0].added.clone(), sh.lanes[0].changes.clone());
        let view = LaneView {
            id: LANE_IDS[1],
            base: b.base.clone(),
            added,
            values,
            idle,
            changes,
            rows,
            communities: b.communities.clone(),
            links,
        };
        sh.lanes.truncate(1);
        sh.lanes.push(view);
        sh.epoch += 1;
        let state = state_json(&sh);
        drop(sh);
        self.lanes.truncate(1);
        self.lanes.push(b);
        self.unpublished = vec![Vec::new(); 2];
        self.send("state", state.to_string());
        self.note(
            None,
            "reset",
            format!(
                "side by side: B forked from A on day {now}; the two differ from here only by \
                 what is done to one"
            ),
        );
        let _ = reply.send(Ok(json!({ "lanes": 2, "day": now })));
    }

    /// Gives the lever of the lane's last change its earlier value, from the next day.
    fn undo(&mut self, lane: usize) -> Result<Value, Refusal> {
        self.lane(lane)?;
        let Some((path, before)) = self.lanes[lane].undo.pop() else {
            return Err(Refusal::Bad(
                "no lever change to undo in this lane".to_owned(),
            ));
        };
        match self.lever(lane, &path, &before) {
            Ok(done) => {
                // Undoing is not itself undone by the next Undo: that takes back the change before.
                self.lanes[lane].undo.pop();
                Ok(done)
            }
            Err(e) => {
                self.lanes[lane].undo.push((path, before));
                Err(e)
            }
        }
    }

    /// Runs one day of the step under way; answers it when its days are done.
    fn step_once(&mut self) {
        if !self.step() {
            // A vote opened (the step goes on when it closes), or the session is at its end.
            if self.vote.is_none() {
                self.finish_step();
            }
            return;
        }
        // Many days at once are published as they go, not in one huge message.
        self.publish(false);
        let done = match &mut self.stepping {
            Some((left, _)) => {
                *left -= 1;
                *left == 0 || self.tick() >= MAX_TICKS
            }
            None => true,
        };
        if done {
            self.finish_step();
        }
    }

    /// Ends the step under way, if any (done, or stopped by Pause or Reset), and answers it
    /// with the day reached.
    fn finish_step(&mut self) {
        if let Some((_, reply)) = self.stepping.take() {
            self.publish(true);
            let _ = reply.send(Ok(self.status()));
        }
    }

    /// Runs until every command sender is gone.
    pub fn run(mut self, commands: Receiver<Command>) {
        let mut next = Instant::now();
        loop {
            let cmd = if self.forking.is_some() {
                // Lane B is being made: a turn of its replay, then any command.
                self.fork_some();
                match commands.try_recv() {
                    Ok(cmd) => Some(cmd),
                    Err(std::sync::mpsc::TryRecvError::Empty) => None,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
                }
            } else if let Some(v) = &self.vote {
                // The assemblies wait for the students: until the vote's time is up (or, held by
                // the presenter, until a command).
                let wait = match v.held {
                    Some(_) => None,
                    None => Some(v.deadline.saturating_duration_since(Instant::now())),
                };
                match wait {
                    Some(w) if w.is_zero() => {
                        self.close_vote();
                        next = Instant::now();
                        None
                    }
                    Some(w) => match commands.recv_timeout(w) {
                        Ok(cmd) => Some(cmd),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => break,
                    },
                    None => match commands.recv() {
                        Ok(cmd) => Some(cmd),
                        Err(_) => break,
                    },
                }
            } else if self.stepping.is_some() {
                self.step_once();
                match commands.try_recv() {
                    Ok(cmd) => Some(cmd),
                    Err(std::sync::mpsc::TryRecvError::Empty) => None,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
                }
            } else if self.playing {
                let now = Instant::now();
                if now >= next {
                    self.step();
                    self.publish(false);
                    let period = Duration::from_secs_f64(1.0 / f64::from(self.speed));
                    // After a stall (a slow machine), do not race to catch up.
                    next = (next + period).max(now);
                    match commands.try_recv() {
                        Ok(cmd) => Some(cmd),
                        Err(std::sync::mpsc::TryRecvError::Empty) => None,
                        Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
                    }
                } else {
                    match commands.recv_timeout(next - now) {
                        Ok(cmd) => Some(cmd),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
            } else {
                self.publish(true);
                match commands.recv() {
                    Ok(cmd) => Some(cmd),
                    Err(_) => break,
                }
            };
            if let Some(cmd) = cmd {
                self.handle(cmd);
                next = next.max(Instant::now());
            }
        }
    }
}

/// Most log entries of one lane and day put in the feed; the rest are counted in one line.
const LOG_PER_DAY: usize = 12;

/// The simulation's log entries since the last call, for the feed: assembly decisions, recalls,
/// and events but those the session announced itself. Returns (kind, text, day).
fn new_log_entries(lane: &mut Lane) -> Vec<(&'static str, String, u32)> {
    let log = lane.sim.log();
    let fresh = &log[lane.log_seen.min(log.len())..];
    lane.log_seen = log.len();
    let mut out = Vec::new();
    let mut extra = 0;
    for entry in fresh {
        if entry.kind == LogKind::Event
            && let Some(at) = lane
                .announced
                .iter()
                .position(|(day, text)| *day == entry.tick && *text == entry.text)
        {
            lane.announced.remove(at);
            continue;
        }
        if out.len() < LOG_PER_DAY {
            out.push((entry.kind.name(), entry.text.clone(), entry.tick));
        } else {
            extra += 1;
        }
    }
    if extra > 0 {
        let day = out.last().map_or(0, |e| e.2);
        out.push(("decision", format!("... and {extra} more that day"), day));
    }
    out
}

/// Rows as arrays of the chart series, in [`SERIES`] order, with the tick first.
fn series_rows(rows: &[TickMetrics]) -> Vec<Vec<f64>> {
    let getters: Vec<_> = SERIES
        .iter()
        .map(|s| {
            COLUMNS
                .iter()
                .find(|c| c.name == s.name)
                .map(|c| c.get)
                .expect("series are declared columns (tested)")
        })
        .collect();
    rows.iter()
        .map(|r| {
            std::iter::once(f64::from(r.tick))
                .chain(getters.iter().map(|g| round(g(r))))
                .collect()
        })
        .collect()
}

/// The map's figures: one array per [`MAP_SERIES`] column, in community order.
fn map_json(rows: &[CommunityMetrics]) -> Value {
    let mut out = serde_json::Map::new();
    for s in MAP_SERIES {
        let get = COMMUNITY_COLUMNS
            .iter()
            .find(|c| c.name == s.name)
            .map(|c| c.get)
            .expect("map series are declared columns (tested)");
        out.insert(
            s.name.to_owned(),
            rows.iter()
                .map(|r| round(get(r)))
                .collect::<Vec<_>>()
                .into(),
        );
    }
    Value::Object(out)
}

/// Six significant digits: plenty for a chart, and a third of the bytes.
fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return if x.is_finite() { x } else { 0.0 };
    }
    let digits = 6 - (x.abs().log10().floor() as i32 + 1);
    let factor = 10f64.powi(digits.clamp(-300, 300));
    (x * factor).round() / factor
}

/// A lane's history for a client that joins: every day, or when there are more than
/// [`MAX_HISTORY_POINTS`], one day in every `k` (the days divisible by `k`, so every client gets
/// the same ones) and the last day.
fn history(rows: &[TickMetrics]) -> Vec<TickMetrics> {
    let k = rows.len().div_ceil(MAX_HISTORY_POINTS).max(1);
    if k == 1 {
        return rows.to_vec();
    }
    let mut out: Vec<TickMetrics> = rows.iter().step_by(k).copied().collect();
    if let Some(last) = rows.last()
        && out.last().is_none_or(|r| r.tick != last.tick)
    {
        out.push(*last);
    }
    out
}

/// Adds what the last day run in `sim` (lane A) did with each offer in force that day: the
/// share of the hours offered to its sector that were taken. Returns whether any offer was.
fn account_offers(offers: &mut [StudentOffer], sim: &Simulation) -> bool {
    let Some(day) = sim.tick().checked_sub(1) else {
        return false;
    };
    let mut any = false;
    for o in offers.iter_mut().filter(|o| o.from <= day && day < o.until) {
        let (offered, taken) = sim
            .outside_hours(o.community)
            .get(o.sector)
            .copied()
            .unwrap_or_default();
        o.last = if offered > 0.0 {
            o.hours * taken / offered
        } else {
            0.0
        };
        o.taken += o.last;
        o.days_run += 1;
        any = true;
    }
    any
}

/// The whole session as JSON: what a new client needs to draw everything.
pub fn state_json(sh: &Shared) -> Value {
    let lanes: Vec<Value> = sh
        .lanes
        .iter()
        .map(|l| {
            json!({
                "id": l.id,
                "name": l.base.meta.name,
                "description": l.base.meta.description,
                "seed": l.base.meta.seed,
                "values": l.values,
                "idle": l.idle,
                "rows": series_rows(&history(&l.rows)),
                "communities": map_json(&l.communities),
                "regions": l.communities.iter().map(|c| c.region).collect::<Vec<_>>(),
                "links": l.links.iter().map(|(a, b, km)| json!([a, b, round(*km)])).collect::<Vec<_>>(),
                "community_count": l.base.params.population.communities,
                "communities_per_region": l.base.params.population.communities_per_region,
                "changes": l.changes,
            })
        })
        .collect();
    json!({
        "epoch": sh.epoch,
        "playing": sh.playing,
        "speed": sh.speed,
        "tick": sh.tick,
        "max_ticks": MAX_TICKS,
        "max_speed": MAX_SPEED,
        "series": SERIES.iter().map(|s| s.json(false)).collect::<Vec<_>>(),
        "map_series": MAP_SERIES.iter().map(|s| s.json(true)).collect::<Vec<_>>(),
        "levers": LEVERS.iter().map(levers::Lever::json).collect::<Vec<_>>(),
        "event_buttons": EVENT_BUTTONS,
        "lanes": lanes,
        "feed": sh.feed,
        "classroom": sh.classroom.as_ref().map(|c| json!({
            "students": c.students.iter().map(|s| s.community).collect::<Vec<_>>(),
            "vote": c.vote,
            "wait_secs": c.wait_secs,
            "offers": c.offers,
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_history_is_sent_thinned_to_a_bounded_number_of_days() {
        let rows = |n: u32| -> Vec<TickMetrics> {
            (0..n)
                .map(|tick| TickMetrics {
                    tick,
                    ..TickMetrics::default()
                })
                .collect()
        };
        assert_eq!(history(&rows(2_000)).len(), 2_000);
        for n in [2_001, 5_000, 18_000, 36_500] {
            let h = history(&rows(n));
            assert!(h.len() <= MAX_HISTORY_POINTS + 1, "{n}: {}", h.len());
            assert!(h.len() >= MAX_HISTORY_POINTS / 2, "{n}: {}", h.len());
            assert_eq!(h[0].tick, 0);
            assert_eq!(h.last().unwrap().tick, n - 1, "the last day is always sent");
            assert!(h.windows(2).all(|w| w[0].tick < w[1].tick));
        }
    }

    #[test]
    fn rounding_keeps_six_significant_digits() {
        assert_eq!(round(1.234_567_89), 1.234_57);
        assert_eq!(round(123_456_789.0), 123_457_000.0);
        assert_eq!(round(0.000_123_456_78), 0.000_123_457);
        assert_eq!(round(0.0), 0.0);
        assert_eq!(round(f64::NAN), 0.0);
    }
}
