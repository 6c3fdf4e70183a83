//! Droughts in force: which communities' harvests are cut, by how much and until when. Events
//! start them; the farm plan and the assemblies read them.

use bevy_ecs::prelude::*;

/// Each community's harvest factor from droughts, and the tick it lasts until (exclusive).
#[derive(Resource, Debug, Clone)]
pub struct Droughts {
    pub factor: Vec<f64>,
    pub until: Vec<u32>,
}

impl Droughts {
    pub fn new(communities: usize) -> Self {
        Self {
            factor: vec![1.0; communities],
            until: vec![0; communities],
        }
    }

    /// The harvest factor of community `c` on `tick`.
    pub fn factor(&self, c: usize, tick: u32) -> f64 {
        if tick < self.until.get(c).copied().unwrap_or(0) {
            self.factor[c]
        } else {
            1.0
        }
    }
}
