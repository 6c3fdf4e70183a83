//! Rail: the network, freight of food and goods between communities, and travel.

pub mod network;
