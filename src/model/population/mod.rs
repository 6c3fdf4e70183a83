//! Population: founding the world (persons, communities, regions), ageing, births and deaths,
//! illness and recovery, and each person's needs.

pub mod demography;
pub mod life;
pub mod moves;
pub mod needs;
pub mod setup;
pub mod split;
pub mod wants;

use crate::model::kernel::components::Person;

/// What a person who leaves their community for another gives up there, cleared on the person:
/// their guild's tag (0 for none) and whether they were a full-time artist. The caller lowers the
/// guild's member count and the community's count of artists (`split`, `moves`).
pub(crate) fn leave_ties(person: &mut Person) -> (u8, bool) {
    (
        std::mem::take(&mut person.guild),
        std::mem::take(&mut person.artist),
    )
}
