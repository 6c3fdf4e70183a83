//! The `[guilds]` section: autonomous guilds, how they are founded and what they offer.

use crate::model::kernel::decl::{Check, Decl};
use serde::{Deserialize, Serialize};

/// The `[guilds]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuildParams {
    /// Hours a day each member gives to the guild once its agreement is accepted (hours/day).
    pub hours_per_member: f64,
    /// How much members value the variety a guild adds, as a share of one need met (0..1).
    pub variety_value: f64,
    /// Guilds are founded by people who love the work, not only by events (on/off).
    pub spontaneous: bool,
    /// Goods that guilds may be founded to make (names of goods).
    pub goods: Vec<String>,
    /// Least appeal of making the good for a person to want to found its guild (0..1).
    pub founding_appeal: f64,
    /// Least number of people with that appeal for a guild to be founded (count, 1 or more).
    pub min_founders: u32,
    /// Most members a guild takes when founded (count, 1 or more).
    pub max_members: u32,
    /// Chance, at each community meeting, that people who could found a guild do (0..1).
    pub founding_probability: f64,
}

impl Default for GuildParams {
    fn default() -> Self {
        Self {
            // Assumption: an hour and a half of a three-to-four-hour day.
            hours_per_member: 1.5,
            variety_value: 0.05,
            spontaneous: false,
            // The essay's guilds: tailors with "a flair for design", and guilds that "spring up
            // with their own creative ideas about technology".
            goods: vec!["clothing".to_owned(), "devices".to_owned()],
            // Assumption: about one adult in twenty loves a given craft this much.
            founding_appeal: 0.95,
            min_founders: 4,
            max_members: 8,
            // Assumption: such a group forms within a few months of meetings.
            founding_probability: 0.1,
        }
    }
}

/// The declarations of this section's parameters (see [`super::decl`]).
pub const DECLS: &[Decl] = &[
    Decl::new(
        "guilds.hours_per_member",
        "h/day",
        Check::Range(0.0, 24.0),
        "Hours a day each member gives to the guild once its agreement is accepted.",
        "Assumption: an hour and a half of a three-to-four-hour day.",
    ),
    Decl::new(
        "guilds.variety_value",
        "share",
        Check::Share,
        "How much members value the variety a guild adds, as a share of one need met.",
        "",
    ),
    Decl::new(
        "guilds.spontaneous",
        "",
        Check::Free,
        "Guilds are founded by people who love the work, not only by events.",
        "",
    ),
    Decl::new(
        "guilds.goods",
        "names of goods",
        Check::Free,
        "Goods that guilds may be founded to make.",
        "The essay's guilds: tailors with \"a flair for design\", and guilds that \"spring up with their own creative ideas about technology\".",
    ),
    Decl::new(
        "guilds.founding_appeal",
        "share",
        Check::Share,
        "Least appeal of making the good for a person to want to found its guild.",
        "Assumption: about one adult in twenty loves a given craft this much.",
    ),
    Decl::new(
        "guilds.min_founders",
        "persons",
        Check::Range(1.0, 1000.0),
        "Least number of people with that appeal for a guild to be founded.",
        "",
    ),
    Decl::new(
        "guilds.max_members",
        "persons",
        Check::Range(1.0, 1000.0),
        "Most members a guild takes when founded.",
        "",
    ),
    Decl::new(
        "guilds.founding_probability",
        "share",
        Check::Share,
        "Chance, at each community meeting, that people who could found a guild do.",
        "Assumption: such a group forms within a few months of meetings.",
    ),
];
