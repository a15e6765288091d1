//! A service's identifier as its own type.
//!
//! Service ids travel from the registry into every verdict, reason, stored record and
//! look-alike report. As a bare `String` they were one more string among hosts, names and
//! domains (a host passed where an id was meant compiled); as `ServiceId` they cannot be mixed
//! up, and a verdict naming a service shares the registry's copy instead of allocating its own.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The stable identifier of a registered service (`rakuten-sec`, `mybank`).
///
/// Cloning shares one allocation. It is written and read as a plain string, so stored records
/// and the JSON forms are the same bytes they were before the type existed.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceId(Arc<str>);

impl ServiceId {
    /// Wraps an id. Validation (which characters an id may hold) is the registry file's job;
    /// this type only keeps ids apart from other strings.
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        ServiceId(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for ServiceId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ServiceId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for ServiceId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for ServiceId {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for ServiceId {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for ServiceId {
    fn from(s: &str) -> Self {
        ServiceId::new(s)
    }
}

impl From<String> for ServiceId {
    fn from(s: String) -> Self {
        ServiceId::new(s)
    }
}

impl From<ServiceId> for String {
    fn from(id: ServiceId) -> Self {
        id.0.to_string()
    }
}

impl Serialize for ServiceId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ServiceId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ServiceId::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_read_as_a_plain_string() {
        let id = ServiceId::from("rakuten-sec");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"rakuten-sec\"");
        let back: ServiceId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert_eq!(back, "rakuten-sec");
        assert_eq!(format!("{back} {back:?}"), "rakuten-sec \"rakuten-sec\"");
    }

    #[test]
    fn clones_share_one_allocation() {
        let id = ServiceId::from("mybank");
        let copy = id.clone();
        assert!(std::ptr::eq(id.as_str(), copy.as_str()));
    }
}
