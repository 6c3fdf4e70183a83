//! Accept a guild's agreement for raw materials: the guild's output in place of the syndicate's,
//! hours saved and more variety, for materials from the store. Decided either way, the
//! agreement is no longer pending.

use super::{Acts, Effect, Meeting, Proposal, ProposalKind};
use crate::model::guilds::Agreement;
use crate::model::kernel::decisions::Subject;
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct GuildAgreement;

impl ProposalKind for GuildAgreement {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["guild_agreement"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let params = m.params;
        for guild in m.holdings.guilds.iter() {
            if guild.agreement == Agreement::Pending {
                let c = guild.community as usize;
                let persons = f64::from(m.books.people[c].persons.max(1));
                let hours = f64::from(guild.members) * params.guilds.hours_per_member / persons;
                let effect = Effect {
                    leisure: (hours * 0.5) as f32,
                    goods: params.guilds.variety_value as f32,
                    environment: 0.0,
                };
                out[c].push(Proposal::new(
                    &GuildAgreement,
                    Subject::GuildAgreement(guild.good),
                    effect,
                ));
            }
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        let Subject::GuildAgreement(good) = p.subject else {
            return;
        };
        for mut guild in acts.holdings.guilds.iter_mut() {
            if guild.community as usize == c
                && guild.good == good
                && guild.agreement == Agreement::Pending
            {
                guild.agreement = if passed {
                    Agreement::Accepted
                } else {
                    Agreement::Refused
                };
            }
        }
    }
}
