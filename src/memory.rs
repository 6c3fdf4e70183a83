//! The process's memory, for `commune run --profile`: its resident set now and at its peak (read
//! from `/proc/self/status`, so only on Linux), and a count of the bytes the world keeps per
//! person in its persons' table. An edge like the runner: the core keeps no account of memory.

use bevy_ecs::component::{Component, ComponentId};
use bevy_ecs::entity::Entity;
use bevy_ecs::query::With;
use bevy_ecs::world::World;

use crate::model::kernel::components::{Draws, Member, Person, Vocation, Wants, Work};

/// The resident set of the whole process (program, libraries and data), in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resident {
    /// Resident now (`VmRSS`).
    pub now: u64,
    /// The high-water mark since the process started (`VmHWM`).
    pub peak: u64,
}

/// The process's resident set now and at its peak, where the system gives it.
pub fn resident() -> Option<Resident> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    };
    Some(Resident {
        now: field("VmRSS:")?,
        peak: field("VmHWM:")?,
    })
}

/// What the world's tables of persons hold, in bytes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PersonTable {
    /// Persons in the tables.
    pub persons: u64,
    /// Rows the tables have room for (their capacity: grown by doubling as persons are spawned).
    pub capacity: u64,
    /// Per component, in the order of [`PERSON_COMPONENTS`] (those persons have): its name and
    /// its bytes per row, the component's own size plus bevy's two change ticks (8 bytes).
    pub per_row: Vec<(&'static str, u64)>,
    /// Bytes per row for the entity itself (its id, kept by each table: 8 bytes).
    pub entity: u64,
}

impl PersonTable {
    /// Bytes per row: every component and the entity id.
    pub fn row_bytes(&self) -> u64 {
        self.entity + self.per_row.iter().map(|(_, b)| b).sum::<u64>()
    }
}

/// The components a person may have, by name (what `--profile` prints).
pub const PERSON_COMPONENTS: [&str; 6] = ["Member", "Person", "Vocation", "Work", "Draws", "Wants"];

fn id_of<T: Component>(world: &World) -> Option<ComponentId> {
    world.components().component_id::<T>()
}

/// Counts the rows and bytes of the tables that hold persons (entities with [`Person`]).
pub fn person_table(world: &World) -> PersonTable {
    let ids = [
        id_of::<Member>(world),
        id_of::<Person>(world),
        id_of::<Vocation>(world),
        id_of::<Work>(world),
        id_of::<Draws>(world),
        id_of::<Wants>(world),
    ];
    let mut table = PersonTable {
        entity: std::mem::size_of::<bevy_ecs::entity::Entity>() as u64,
        ..Default::default()
    };
    let Some(person) = ids[1] else {
        return table;
    };
    let mut seen = Vec::new();
    for archetype in world.archetypes().iter() {
        if !archetype.contains(person) || seen.contains(&archetype.table_id()) {
            continue;
        }
        seen.push(archetype.table_id());
        let Some(t) = world.storages().tables.get(archetype.table_id()) else {
            continue;
        };
        table.persons += u64::from(t.entity_count());
        table.capacity += t.entity_capacity() as u64;
        for (name, id) in PERSON_COMPONENTS.iter().zip(ids) {
            let Some(id) = id.filter(|id| t.has_column(*id)) else {
                continue;
            };
            if table.per_row.iter().any(|(n, _)| n == name) {
                continue;
            }
            let size = world
                .components()
                .get_info(id)
                .map_or(0, |info| info.layout().size() as u64);
            table.per_row.push((name, size + 8));
        }
    }
    table
}

/// The world's tables of one kind of entity: how many rows they hold and have room for, and the
/// bytes of those rows (components, their change ticks and the entity ids).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tables {
    /// "persons", "communities", "syndicates" or "others".
    pub kind: &'static str,
    pub tables: u32,
    pub rows: u64,
    pub capacity: u64,
    /// Bytes of the rows held.
    pub bytes: u64,
    /// Bytes of the rows they have room for (allocated; the unused part is not resident until
    /// written).
    pub capacity_bytes: u64,
}

/// Every table of the world, summed by the kind of entity it holds: persons (with [`Person`]),
/// communities (with `Community`), syndicates (with `Syndicate`) and the others.
pub fn tables(world: &World) -> Vec<Tables> {
    use crate::model::kernel::components::{Community, Syndicate};
    let kinds = [
        ("persons", id_of::<Person>(world)),
        ("communities", id_of::<Community>(world)),
        ("syndicates", id_of::<Syndicate>(world)),
        ("others", None),
    ];
    let mut out: Vec<Tables> = kinds
        .iter()
        .map(|(kind, _)| Tables {
            kind,
            ..Default::default()
        })
        .collect();
    for t in world.storages().tables.iter() {
        let k = kinds
            .iter()
            .position(|(_, id)| id.is_some_and(|id| t.has_column(id)))
            .unwrap_or(kinds.len() - 1);
        let row: u64 = 8 + world
            .components()
            .iter_registered()
            .filter(|(id, _)| t.has_column(*id))
            .map(|(_, info)| info.layout().size() as u64 + 8)
            .sum::<u64>();
        let o = &mut out[k];
        o.tables += 1;
        o.rows += u64::from(t.entity_count());
        o.capacity += t.entity_capacity() as u64;
        o.bytes += row * u64::from(t.entity_count());
        o.capacity_bytes += row * t.entity_capacity() as u64;
    }
    out
}

/// The world's resources, and the bytes of their sparse indexes: bevy keeps each resource as a
/// component of an entity of its own, in a sparse set whose index has a 4-byte slot for every
/// entity index up to its entity's. A resource inserted after a million persons thus holds 4 MB
/// of index; one inserted before them, a few bytes.
pub fn resources(world: &mut World) -> (u32, u64) {
    let mut query = world.query_filtered::<Entity, With<bevy_ecs::resource::IsResource>>();
    query.iter(world).fold((0, 0), |(n, bytes), e| {
        (n + 1, bytes + 4 * (u64::from(e.index_u32()) + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Params, Simulation};

    #[test]
    fn the_persons_table_is_counted_row_by_row() {
        let mut p = Params::default();
        p.population.persons_per_community = 40;
        let mut sim = Simulation::new(p, 1);
        let table = person_table(sim.world_mut());
        assert_eq!(table.persons, 40);
        assert!(table.capacity >= 40);
        let names: Vec<_> = table.per_row.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["Member", "Person", "Vocation", "Work", "Draws"]);
        let work = table.per_row.iter().find(|(n, _)| *n == "Work").unwrap().1;
        assert_eq!(work, std::mem::size_of::<Work>() as u64 + 8);
        assert_eq!(
            table.row_bytes(),
            8 + table.per_row.iter().map(|r| r.1).sum::<u64>()
        );
        let all = tables(sim.world_mut());
        assert_eq!(all[0].rows, 40);
        assert_eq!(all[0].bytes, 40 * table.row_bytes());
        assert_eq!(all[1].rows, 1);
        let (n, bytes) = resources(sim.world_mut());
        assert!(n > 30 && bytes >= 4 * u64::from(n), "{n} {bytes}");
        if let Some(r) = resident() {
            assert!(r.peak >= r.now && r.now > 0);
        }
    }
}
