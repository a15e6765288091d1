//! Where messages are kept: the gateway (the one entry point that judges and stores), the sled
//! store behind it, the record format they share, the journal that survives the engine, the
//! salvage that reads a damaged database, and the guard that contains the engine's panics.

pub mod gateway;
pub mod guard;
pub mod journal;
pub mod record;
pub mod salvage;
pub mod store;
