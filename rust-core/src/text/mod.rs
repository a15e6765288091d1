//! The message as text: the one normalised view every signal matches against, and the
//! dictionary of names searched in it. Nothing here knows what a lure is.

pub mod confusable;
pub mod dict;
pub mod normalize;
