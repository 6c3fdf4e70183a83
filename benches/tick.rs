//! One simulated day at 10,000 and 100,000 persons.

use std::hint::black_box;

use commune::model::{Params, Simulation};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn params(persons: u32) -> Params {
    let mut p = Params::default();
    p.population.persons_per_community = 200;
    p.population.communities = persons / 200;
    p
}

fn tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("tick");
    group.sample_size(20);
    for persons in [10_000u32, 100_000] {
        let mut sim = Simulation::new(params(persons), 1);
        // Start in the harvest season, the busiest days for labour allocation.
        for _ in 0..220 {
            sim.step();
        }
        group.bench_with_input(BenchmarkId::from_parameter(persons), &persons, |b, _| {
            b.iter(|| black_box(sim.step()))
        });
    }
    group.finish();
}

criterion_group!(benches, tick);
criterion_main!(benches);
