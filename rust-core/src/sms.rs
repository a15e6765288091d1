//! An SMS as it arrives: what the phone's receiver, an inbox import and the command line all
//! hand to the gateway. It stands apart from the gateway so that the importers, which only
//! parse, depend on the message and not on the database.

/// An SMS handed to the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sms {
    /// Sender as the platform reports it.
    pub sender: String,
    /// Body.
    pub body: String,
    /// When it was received (epoch ms), if the platform says.
    pub received_at: Option<i64>,
    /// The body is the beginning of a longer one (an importer keeps a bounded prefix): it is
    /// never judged clean, as what was cut off was not checked.
    pub cut: bool,
}
