//! Travel by rail: exchange helpers' trips to the communities they help.

use bevy_ecs::prelude::*;

use super::network::RailNetwork;
use crate::model::kernel::goods::Good;
use crate::model::kernel::ledger::{Days, GoodsDay, LabourDay};
use crate::model::kernel::params::Params;

/// Exchange helpers' travel: the help a community gave through an exchange scheme today is
/// carried by as many round trips as it takes at a working day's help each (the hours given over
/// `labour.willing_hours_mean`, at most one trip per member who gave hours: a scheme sends people
/// for a day's work, not everyone for a few minutes). Each trip goes by rail from home to the
/// communities of the region that received the scheme's help and back, to each in proportion to
/// the help it received, over the network's shortest distance (a host no working line reaches
/// adds nothing). The passenger-km and their energy are counted on the helpers' home community;
/// the energy is added to its energy need and plan for today.
pub fn exchange_travel(
    params: Res<Params>,
    network: Res<RailNetwork>,
    mut labour: ResMut<Days<LabourDay>>,
    mut goods: ResMut<Days<GoodsDay>>,
) {
    let e = Good::Energy.index();
    for (r, members) in network.members.iter().enumerate() {
        let received: f64 = members
            .iter()
            .map(|&c| labour[c as usize].exchange_received)
            .sum();
        if received <= 0.0 {
            continue;
        }
        for (i, &home) in members.iter().enumerate() {
            let helpers = labour[home as usize].exchange_helpers;
            if helpers == 0 {
                continue;
            }
            let mut km = 0.0;
            for (j, &host) in members.iter().enumerate() {
                let got = labour[host as usize].exchange_received;
                let d = network.distance[r][i][j];
                if got > 0.0 && d.is_finite() {
                    km += got / received * d;
                }
            }
            let day_of_help = params.labour.willing_hours_mean.max(1e-9);
            let trips =
                (labour[home as usize].exchange_given / day_of_help).min(f64::from(helpers));
            let passenger_km = trips * 2.0 * km;
            let kwh = passenger_km * params.rail.kwh_per_passenger_km;
            let day = &mut labour[home as usize];
            day.exchange_passenger_km = passenger_km;
            day.exchange_travel_kwh = kwh;
            goods[home as usize].need[e] += kwh;
            goods[home as usize].planned[e] += kwh;
        }
    }
}
