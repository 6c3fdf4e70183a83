//! Labour: volunteers filling the hours each syndicate posts, by ability and willingness, under
//! the policy in force for undesirable work; and the status quo's hours worked for money.

pub mod allocation;
pub mod market;
pub mod outside;

#[cfg(test)]
mod market_tests;
