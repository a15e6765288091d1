//! What the store keeps of a message (a [`Record`] with its status, reasons and links) and how
//! it is written as bytes. The store, the journal and salvage all read and write records; none
//! of them owns the format, so it stands below all three.

use crate::error::{Error, Result};
use crate::registry::ServiceId;
use crate::verdict::{Kind, ReasonCode};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// Schema version of [`Record`].
pub const RECORD_SCHEMA: u16 = 1;

/// Review status of a quarantined message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Held, waiting for review.
    Quarantined,
    /// The user released it (delivered after all).
    Released,
    /// The user confirmed it as smishing.
    Confirmed,
}

impl Status {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Quarantined => "quarantined",
            Status::Released => "released",
            Status::Confirmed => "confirmed",
        }
    }

    /// Parse a kebab-case name.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "quarantined" => Some(Status::Quarantined),
            "released" => Some(Status::Released),
            "confirmed" => Some(Status::Confirmed),
            _ => None,
        }
    }
}

/// A reason as stored with a record (the verdict's reason, owned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReason {
    /// Stable reason code (stored as its kebab-case name).
    pub code: ReasonCode,
    /// English sentence.
    pub en: String,
    /// Japanese sentence.
    pub ja: String,
    /// Evidence: service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceId>,
    /// Evidence: host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Evidence: official domain imitated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imitates: Option<String>,
}

/// A link as stored with a record, for a review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLink {
    /// The link as written in the message.
    pub url: String,
    /// The judged host (a redirect's target, not the redirector).
    pub host: String,
    /// Its registrable domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// The service whose official domain it is on, if any.
    #[serde(default)]
    pub official_for: Option<ServiceId>,
}

/// A quarantined message with its verdict and review status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Schema version this record was written in.
    pub schema: u16,
    /// Stable id.
    pub id: u64,
    /// Sender as received.
    pub sender: String,
    /// Body as received.
    pub body: String,
    /// When the message was received (epoch ms); the ingest time when the platform gave none.
    pub received_at: i64,
    /// The platform gave the time (when false, `received_at` is the ingest time).
    #[serde(default)]
    pub received_at_given: bool,
    /// When it was ingested (epoch ms).
    pub ingested_at: i64,
    /// Review status.
    pub status: Status,
    /// When the status last changed (epoch ms).
    #[serde(default)]
    pub status_at: i64,
    /// Verdict: kind (stored as its kebab-case name).
    pub kind: Kind,
    /// Verdict: claimed service id.
    #[serde(default)]
    pub service: Option<ServiceId>,
    /// Verdict: one-time code.
    #[serde(default)]
    pub otp: Option<String>,
    /// Hosts of the links (judged targets).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// The links as written, with what was judged of each (empty in records written before
    /// links were kept: `hosts` has their judged hosts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<StoredLink>,
    /// Verdict: reasons.
    #[serde(default)]
    pub reasons: Vec<StoredReason>,
}

/// A value as stored: MessagePack with field names, so that fields can be added.
pub(crate) fn encode<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>> {
    rmp_serde::to_vec_named(v).map_err(|e| Error::Store(format!("encoding a value: {e}")))
}

/// A stored value read back; bytes that do not decode are corruption, named as such.
pub(crate) fn decode<T: DeserializeOwned>(b: &[u8]) -> Result<T> {
    rmp_serde::from_slice(b)
        .map_err(|e| Error::Corrupt(format!("a stored value cannot be read: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record as it was written while its kind and reason codes were strings.
    #[derive(Serialize)]
    struct StringRecord {
        schema: u16,
        id: u64,
        sender: String,
        body: String,
        received_at: i64,
        received_at_given: bool,
        ingested_at: i64,
        status: Status,
        status_at: i64,
        kind: String,
        service: Option<ServiceId>,
        otp: Option<String>,
        hosts: Vec<String>,
        reasons: Vec<StringReason>,
    }

    #[derive(Serialize)]
    struct StringReason {
        code: String,
        en: String,
        ja: String,
    }

    fn typed(kind: Kind, code: ReasonCode) -> Record {
        Record {
            schema: RECORD_SCHEMA,
            id: 7,
            sender: "+15550100".into(),
            body: "b".into(),
            received_at: 1,
            received_at_given: true,
            ingested_at: 2,
            status: Status::Quarantined,
            status_at: 2,
            kind,
            service: None,
            otp: None,
            hosts: vec![],
            links: vec![],
            reasons: vec![StoredReason {
                code,
                en: "e".into(),
                ja: "j".into(),
                service: None,
                host: None,
                imitates: None,
            }],
        }
    }

    fn stringly(kind: &str, code: &str) -> StringRecord {
        StringRecord {
            schema: RECORD_SCHEMA,
            id: 7,
            sender: "+15550100".into(),
            body: "b".into(),
            received_at: 1,
            received_at_given: true,
            ingested_at: 2,
            status: Status::Quarantined,
            status_at: 2,
            kind: kind.into(),
            service: None,
            otp: None,
            hosts: vec![],
            reasons: vec![StringReason {
                code: code.into(),
                en: "e".into(),
                ja: "j".into(),
            }],
        }
    }

    #[test]
    fn typed_kinds_and_codes_are_stored_as_the_strings_were() {
        // Every kind and every code: the bytes are the ones the string fields wrote, and the
        // records kept before the types read back as them.
        for (i, kind) in Kind::ALL.iter().enumerate() {
            let code = ReasonCode::ALL[i % ReasonCode::ALL.len()];
            let new = encode(&typed(*kind, code)).unwrap();
            let old = encode(&stringly(kind.as_str(), code.as_str())).unwrap();
            assert_eq!(new, old, "{kind:?} {code:?}");
            assert_eq!(decode::<Record>(&old).unwrap(), typed(*kind, code));
        }
        for code in ReasonCode::ALL {
            let old = encode(&stringly("impersonation", code.as_str())).unwrap();
            assert_eq!(decode::<Record>(&old).unwrap().reasons[0].code, code);
        }
    }

    #[test]
    fn a_name_no_version_wrote_is_corruption_not_a_panic() {
        let old = encode(&stringly("no-such-kind", "claim")).unwrap();
        assert!(matches!(decode::<Record>(&old), Err(Error::Corrupt(_))));
    }
}
