//! The log of events and assembly decisions that charts and the dashboard's feed show.

use bevy_ecs::prelude::*;

/// What a log entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// An event was applied.
    Event,
    /// An assembly decided a proposal (passed or not).
    Decision,
    /// A delegate was recalled.
    Recall,
}

impl LogKind {
    pub fn name(self) -> &'static str {
        match self {
            LogKind::Event => "event",
            LogKind::Decision => "decision",
            LogKind::Recall => "recall",
        }
    }
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub tick: u32,
    pub kind: LogKind,
    pub text: String,
}

/// Events and decisions so far, in order.
#[derive(Resource, Default, Debug)]
pub struct Log {
    pub entries: Vec<LogEntry>,
}

impl Log {
    pub fn push(&mut self, tick: u32, kind: LogKind, text: String) {
        self.entries.push(LogEntry { tick, kind, text });
    }
}
