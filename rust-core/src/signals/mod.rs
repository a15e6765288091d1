//! What a message says, one signal per module, each found without the others: its links
//! (and their public suffixes), its one-time code, its sender, the service it claims to be,
//! requests for secrets, lure families, the learned text score, and domains that imitate a
//! registered service's (with the skeleton and the brand index that check rests on). The
//! classifier gathers them once and its rules decide.

pub mod brands;
pub mod claims;
pub mod family;
pub mod links;
pub mod lookalike;
pub mod model;
pub mod otp;
pub mod secrets;
pub mod sender;
pub mod skeleton;
pub mod suffix;
