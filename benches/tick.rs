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

/// Builds the world of `params`, steps it to the harvest season (day 220), the busiest days for
/// labour allocation, and benchmarks one more day. The world is built on the benchmark's first
/// call, so a benchmark left out by a filter (`cargo bench --bench tick -- small`) never builds
/// its world: before, the million persons were built and stepped 220 days whatever was asked.
fn bench_day(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    params: Params,
) {
    let mut world: Option<Simulation> = None;
    group.bench_function(id, |b| {
        let sim = world.get_or_insert_with(|| {
            let mut sim = Simulation::new(params.clone(), 1);
            for _ in 0..220 {
                sim.step();
            }
            sim
        });
        b.iter(|| black_box(sim.step()));
    });
}

fn tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("tick");
    group.sample_size(20);
    for persons in [10_000u32, 100_000] {
        bench_day(
            &mut group,
            BenchmarkId::from_parameter(persons),
            params(persons),
        );
    }
    group.finish();
}

fn small(c: &mut Criterion) {
    let mut group = c.benchmark_group("small");
    for persons in [1u32, 150] {
        bench_day(
            &mut group,
            BenchmarkId::from_parameter(persons),
            community(persons),
        );
    }
    group.finish();
}

fn million(c: &mut Criterion) {
    let mut group = c.benchmark_group("tick");
    group.sample_size(10);
    bench_day(
        &mut group,
        BenchmarkId::from_parameter(1_000_000),
        params(1_000_000),
    );
    group.finish();
}

criterion_group!(benches, tick, million, small);
criterion_main!(benches);
