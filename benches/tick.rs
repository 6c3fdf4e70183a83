//! One simulated day: at 10,000 and 100,000 persons (`tick`), at 1,000,000 (`million`, in the
//! same group), and in the small worlds that researchers' sweeps run by the thousand, one
//! community of 150 persons and a world of one person (`small`), where the day's fixed costs
//! show.

use std::hint::black_box;

use commune::model::{Params, Simulation};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn params(persons: u32) -> Params {
    let mut p = Params::default();
    p.population.persons_per_community = 200;
    p.population.communities = persons / 200;
    p
}

/// One community of `persons`, every sector at its defaults.
fn community(persons: u32) -> Params {
    let mut p = Params::default();
    p.population.persons_per_community = persons;
    p.population.communities = 1;
    p
}

/// Steps `sim` to the harvest season (day 220), the busiest days for labour allocation, and
/// benchmarks one more day.
fn bench_day(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    mut sim: Simulation,
) {
    for _ in 0..220 {
        sim.step();
    }
    group.bench_function(id, |b| b.iter(|| black_box(sim.step())));
}

fn tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("tick");
    group.sample_size(20);
    for persons in [10_000u32, 100_000] {
        let sim = Simulation::new(params(persons), 1);
        bench_day(&mut group, BenchmarkId::from_parameter(persons), sim);
    }
    group.finish();
}

fn small(c: &mut Criterion) {
    let mut group = c.benchmark_group("small");
    for persons in [1u32, 150] {
        let sim = Simulation::new(community(persons), 1);
        bench_day(&mut group, BenchmarkId::from_parameter(persons), sim);
    }
    group.finish();
}

fn million(c: &mut Criterion) {
    let mut group = c.benchmark_group("tick");
    group.sample_size(10);
    let sim = Simulation::new(params(1_000_000), 1);
    bench_day(&mut group, BenchmarkId::from_parameter(1_000_000), sim);
    group.finish();
}

criterion_group!(benches, tick, million, small);
criterion_main!(benches);
