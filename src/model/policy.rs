//! Decisions in force: what the assemblies have decided about the world's policies, kept apart
//! from the scenario's parameters.
//!
//! A scenario's parameters say what the scenario sets (in its file, or by a `set` event or a lever
//! during the run). The assemblies' standing decisions are run state: the community decisions
//! (rotas, rationing, idle syndicates, artists, agreements) live in `assembly::Government`, and the
//! world's decisions on energy and cars live here. The policy in force is the parameter unless a
//! decision stands; a later `set` of the same parameter from outside overrides the decision (it is
//! cleared, and the log says so). A `set` of any other parameter leaves every decision as it is.

use bevy_ecs::prelude::Resource;

use super::energy::Source;
use super::params::Params;

/// The parameters whose value an assembly decision can stand over: a `set` of one of them
/// overrides the decision, so it is never a no-op.
pub const DECIDED_PATHS: &[&str] = &[
    "energy.allow_fossil",
    "transport.cars_allowed",
    "labour.undesirable_policy",
];

/// The world assembly's standing decisions, each with the day it was taken.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Resource)]
pub struct Decided {
    /// The world assembly voted to phase out fossil energy on this day.
    pub fossil_phased_out: Option<u32>,
    /// The world assembly allowed cars (`true`) or gave them up (`false`) on this day.
    pub cars: Option<(bool, u32)>,
}

impl Decided {
    /// Whether fossil plants may run.
    pub fn allow_fossil(&self, params: &Params) -> bool {
        self.fossil_phased_out.is_none() && params.energy.allow_fossil
    }

    /// Whether plants of `source` may run.
    pub fn allowed(&self, params: &Params, source: Source) -> bool {
        match source {
            Source::Fossil => self.allow_fossil(params),
            _ => params.energy.allowed(source),
        }
    }

    /// Whether cars carry a share of passenger-km.
    pub fn cars_allowed(&self, params: &Params) -> bool {
        self.cars
            .map_or(params.transport.cars_allowed, |(allowed, _)| allowed)
    }

    /// The parameters with the decisions in force written over them: the policy as it stands,
    /// for what is computed from the whole parameter set (the technical coefficients) and for
    /// showing.
    pub fn in_force(&self, params: &Params) -> Params {
        let mut p = params.clone();
        p.energy.allow_fossil = self.allow_fossil(params);
        p.transport.cars_allowed = self.cars_allowed(params);
        p
    }

    /// Clears the decision that a `set` of `path` from outside overrides, and says which it was.
    pub fn overridden_by(&mut self, path: &str) -> Option<String> {
        match path {
            "energy.allow_fossil" => self.fossil_phased_out.take().map(|day| {
                format!("the world assembly's decision of day {day} to phase out fossil energy")
            }),
            "transport.cars_allowed" => self.cars.take().map(|(allowed, day)| {
                format!(
                    "the world assembly's decision of day {day} to {}",
                    if allowed {
                        "allow cars"
                    } else {
                        "give up cars"
                    }
                )
            }),
            _ => None,
        }
    }
}
