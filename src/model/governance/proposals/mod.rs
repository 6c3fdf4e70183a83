//! The kinds of proposal an assembly takes up, one file each, and their one registration list,
//! `KINDS`.
//!
//! A kind says three things: which proposals of its kind a meeting puts to its members, given
//! what the meeting knows (`propose` for a community's own assembly, `propose_upper` for a
//! regional or the world assembly); the estimated effect of each on a member (in the proposal,
//! and for a community proposal, `effect_on` a member who attends, when it depends on them); and
//! what deciding it does (`decided`, `decided_upper`, and the hooks after the meetings).
//! `assembly::hold_assemblies` asks every kind in `KINDS`, in order, and puts what they propose
//! to the vote. The order matters: it is the order of the proposals on each agenda, and so of
//! the members' random draws.

use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;

use crate::model::energy::EnergyBuilds;
use crate::model::food::droughts::Droughts;
use crate::model::guilds::Guild;
use crate::model::kernel::components::{
    Agreement, Directory, Draws, FarmPlan, Inputs, Land, Member, Ordering, Person, Standing,
    Stocks, Vocation, Work,
};
use crate::model::kernel::decisions::{Decided, Government, Level, Subject};
use crate::model::kernel::goods::Good;

/// A good's share of a member's needs (food is the other share): how much going short of one
/// good weighs in a member's goods, as the proposals' weighings count it (an assumption).
pub(super) const NEED_SHARE: f64 = 1.0 / (crate::model::kernel::goods::N_GOODS as f64 + 1.0);
use crate::model::kernel::ledger::Books;
use crate::model::kernel::log::Log;
use crate::model::kernel::params::{N_SECTORS, Params};
use crate::model::kernel::regions::{Regions, Settled};
use crate::model::kernel::technology::Economy;

pub mod artist;
pub mod build;
pub mod cars;
pub mod city_help;
pub mod food_agreement;
pub mod guild_agreement;
pub mod harvest_help;
pub mod harvest_hours;
pub mod input_agreement;
pub mod longer_by;
pub mod newcomers;
pub mod phase_out_fossil;
pub mod place_newcomers;
pub mod ration;
pub mod rota;
pub mod split;
pub mod standing_agreement;
pub mod stock_target;
pub mod supply_agreement;
pub mod syndicates;
pub mod work_longer;

/// Every kind of proposal, in the order an assembly takes them up. A new kind is a file in this
/// folder and one line here.
pub const KINDS: &[&dyn ProposalKind] = &[
    // A community's own assembly, each community's proposals in this order.
    &syndicates::Syndicates,
    &ration::Ration,
    &rota::Rota,
    &work_longer::WorkLonger,
    &build::Build,
    &guild_agreement::GuildAgreement,
    &artist::Artist,
    &split::Split,
    // Last, so that the kinds before it draw as they did before it was built.
    &newcomers::Newcomers,
    // A syndicate's own matters, voted by its workers (after the community's agenda, so that
    // every kind before it draws as it did before it was built).
    &stock_target::StockTarget,
    // The community's standing agreements with its syndicates (last, so that every kind before
    // it draws as it did before it was built).
    &standing_agreement::StandingAgreement,
    // How the extra hours of working longer are shared, when the assembly chooses (after the
    // others, so that every kind before it draws as it did before it was built).
    &longer_by::ShareLonger,
    // The farm's workers' hours in the harvest, voted by them (after the others, so that every
    // kind before it draws as it did before it was built).
    &harvest_hours::HarvestHours,
    // Agreements between a community's syndicates, offered by the user's workers and accepted
    // by the supplier's (last, so that every kind before it draws as it did before it was
    // built).
    &input_agreement::InputAgreement,
    // Regional assemblies, then the world assembly, through delegates.
    &food_agreement::FoodAgreement,
    &supply_agreement::SupplyAgreement,
    &harvest_help::HarvestHelp,
    &city_help::CityHelp,
    &place_newcomers::PlaceNewcomers,
    &phase_out_fossil::PhaseOutFossil,
    &cars::Cars,
];

/// A proposal's estimated effect on a member: leisure (h/day), goods (share of need met, 0..1),
/// environment (kg CO2e/person/day avoided).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Effect {
    pub leisure: f32,
    pub goods: f32,
    pub environment: f32,
}

impl Effect {
    /// The effect of undoing what this one does.
    pub fn reversed(self) -> Effect {
        Effect {
            leisure: -self.leisure,
            goods: -self.goods,
            environment: -self.environment,
        }
    }
}

/// A proposal before a community's members, with its effect on each of them.
#[derive(Clone, Copy, Debug)]
pub struct Proposal {
    /// The kind that made it, and that says what deciding it does.
    pub kind: &'static dyn ProposalKind,
    pub subject: Subject,
    /// The estimated effect on a member (`ProposalKind::effect_on` may make it each member's).
    pub effect: Effect,
    /// Figures the kind keeps from proposing to the vote and to passing (a build's kW, say).
    pub figures: [f64; 2],
}

impl Proposal {
    /// A proposal of `kind` on `subject` with the same estimated effect on every member.
    pub fn new(kind: &'static dyn ProposalKind, subject: Subject, effect: Effect) -> Self {
        Proposal {
            kind,
            subject,
            effect,
            figures: [0.0; 2],
        }
    }
}

/// The proposals of a regional or the world assembly of one kind: the assemblies that take it
/// up and what, and its estimated effect on a member of each community (which sets the
/// community's mandate to its delegate).
#[derive(Clone, Debug)]
pub struct Upper {
    pub kind: &'static dyn ProposalKind,
    pub bodies: Vec<(Level, Subject)>,
    pub effects: Vec<Effect>,
}

/// The persons, stores, guilds, land and installations the assemblies read and act on.
#[derive(bevy_ecs::system::SystemParam)]
pub struct Holdings<'w, 's> {
    pub persons: Query<
        'w,
        's,
        (
            &'static Member,
            &'static mut Person,
            &'static Draws,
            &'static Work,
            &'static Vocation,
        ),
    >,
    pub stocks: Query<'w, 's, &'static Stocks>,
    pub guilds: Query<'w, 's, &'static mut Guild>,
    pub lands: Query<'w, 's, &'static Land>,
    pub builds: Query<'w, 's, &'static mut EnergyBuilds>,
    /// Goods syndicates, by entity (`Directory::goods`).
    pub syndicates: Query<'w, 's, &'static mut Standing>,
    /// What each community agreed with its syndicates at its last planning session.
    pub agreements: Query<'w, 's, &'static mut Agreement>,
    /// Goods syndicates' orderings, by entity: their stock targets and what their workers saw.
    pub orderings: Query<'w, 's, &'static mut Ordering>,
    /// Goods syndicates' agreements with the syndicates whose goods they use, by entity (only
    /// under `economy.input_agreements = "assemblies"`).
    pub inputs: Query<'w, 's, &'static mut Inputs>,
    /// Farms' plans, by entity (`Directory::farms`): the extra hours their workers agreed to
    /// give in the harvest and what they saw since their last meeting.
    pub farms: Query<'w, 's, &'static mut FarmPlan>,
}

/// What a meeting knows when proposals are made.
pub struct Meeting<'a, 'w, 's> {
    pub params: &'a Params,
    pub tick: u32,
    pub economy: &'a Economy,
    pub books: &'a Books<'w>,
    pub directory: &'a Directory,
    pub gov: &'a Government,
    pub decided: &'a Decided,
    pub droughts: &'a Droughts,
    pub regions: &'a Regions,
    pub holdings: &'a Holdings<'w, 's>,
    /// Which communities are settled, and the sites still free.
    pub settled: &'a Settled,
}

impl Meeting<'_, '_, '_> {
    /// The plan of community `c`'s syndicate of `good`, where its members have a say in it:
    /// none for energy (balanced on the day), for devices made by the global syndicate, or for
    /// a syndicate that is idle or plans nothing.
    pub fn own_plan(&self, c: usize, good: Good) -> Option<&Ordering> {
        if good == Good::Energy || (self.params.global.global() && good == Good::Devices) {
            return None;
        }
        let entity = self.directory.goods[c][good.index()];
        if self.holdings.syndicates.get(entity).is_ok_and(|s| s.idle()) {
            return None;
        }
        self.holdings.orderings.get(entity).ok()
    }
}

/// A member at the vote: who they are, the hours they are willing to give, and what they
/// worked the day before.
pub struct Voter<'a> {
    pub person: &'a Person,
    pub vocation: &'a Vocation,
    pub work: &'a Work,
}

/// What a member's effect may depend on at the vote.
pub struct Ballot<'a> {
    pub params: &'a Params,
    /// 1 for each sector of undesirable work.
    pub undesirable: &'a [f32; N_SECTORS],
}

/// What deciding a proposal may change.
pub struct Acts<'a, 'w, 's> {
    pub params: &'a Params,
    pub tick: u32,
    pub gov: &'a mut Government,
    pub decided: &'a mut Decided,
    pub economy: &'a mut Economy,
    pub log: &'a mut Log,
    pub directory: &'a Directory,
    pub holdings: &'a mut Holdings<'w, 's>,
    /// Artists who accepted, (community, pick), appointed after every community has met.
    pub appoint: Vec<(usize, f64)>,
    /// Which communities are settled; a split that passed records its founding here.
    pub settled: &'a mut Settled,
}

/// A kind of proposal. Every method has a default that does nothing, so a kind writes only what
/// it needs.
pub trait ProposalKind: Sync + std::fmt::Debug {
    /// The names `assembly.<level>.off_agenda` uses for it (its subjects' `Subject::kind`), and
    /// the level that takes it up.
    fn names(&self) -> (&'static [&'static str], &'static str);

    /// A community meeting day: pushes each community's proposals of this kind onto `out[c]`,
    /// drawing from the community's stream `rngs[c]` if it must.
    fn propose(&self, _m: &Meeting, _rngs: &mut [ChaCha8Rng], _out: &mut [Vec<Proposal>]) {}

    /// A regional or world meeting day: this kind's proposals, if any.
    fn propose_upper(&self, _m: &Meeting) -> Option<Upper> {
        None
    }

    /// A regional or world meeting day: this kind's proposals, each with its own effects on
    /// members (a kind whose proposals affect the same members differently makes several).
    /// By default, `propose_upper`'s.
    fn propose_uppers(&self, m: &Meeting) -> Vec<Upper> {
        self.propose_upper(m).into_iter().collect()
    }

    /// Whether the assembly at `level` takes up `subject` today, given what the assemblies
    /// before it decided (a supplier hears a request only if the receiver made it).
    fn heard(&self, _level: Level, _subject: Subject, _acts: &Acts) -> bool {
        true
    }

    /// Whether a member (`who`, working as recorded the day before) votes on community
    /// proposal `p`. By default every member does; a syndicate's own matters are voted by its
    /// workers only, who alone make its quorum and spend its rounds.
    fn voter(&self, _p: &Proposal, _who: &Voter) -> bool {
        true
    }

    /// Whether community `c`'s meeting decides `p`, given what it decided before it that day
    /// (an acceptance is decided only if its offer passed). By default it does; one it does not
    /// decide is not recorded and costs no rounds (its voters' draws are made all the same).
    fn taken_up(&self, _p: &Proposal, _c: usize, _acts: &Acts) -> bool {
        true
    }

    /// The effect of proposal `p` on one member who attends (`who`).
    fn effect_on(&self, p: &Proposal, _b: &Ballot, _who: &Voter, _rng: &mut ChaCha8Rng) -> Effect {
        p.effect
    }

    /// Community `c`'s assembly decided `p` (passed or not).
    fn decided(&self, _p: &Proposal, _c: usize, _passed: bool, _acts: &mut Acts) {}

    /// Community `c`'s assembly met on a community meeting day (after its decisions).
    fn met(&self, _c: usize, _acts: &mut Acts) {}

    /// Every community's assembly has met.
    fn all_met(&self, _acts: &mut Acts) {}

    /// The regional or world assembly at `level` decided `subject`.
    fn decided_upper(&self, _level: Level, _subject: Subject, _passed: bool, _acts: &mut Acts) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::decisions::{COMMUNITY_AGENDA, REGION_AGENDA, WORLD_AGENDA};

    /// The registration list and the kernel's agendas (which scenario validation reads) name the
    /// same kinds at the same levels.
    #[test]
    fn every_kind_is_on_its_levels_agenda() {
        let mut named = Vec::new();
        for kind in KINDS {
            let (names, level) = kind.names();
            let agenda = match level {
                "community" => COMMUNITY_AGENDA,
                "region" => REGION_AGENDA,
                "world" => WORLD_AGENDA,
                other => panic!("{kind:?}: no assembly {other:?}"),
            };
            for name in names {
                assert!(agenda.contains(name), "{name} is not on the {level} agenda");
                named.push(*name);
            }
        }
        for name in COMMUNITY_AGENDA
            .iter()
            .chain(REGION_AGENDA)
            .chain(WORLD_AGENDA)
        {
            assert!(
                named.contains(name),
                "no kind in KINDS makes {name:?} proposals"
            );
        }
    }
}
