//! The blocked list: senders whose messages are quarantined whatever they say. A sender is
//! listed once, whatever its spelling (`+81 90-1234-5678` and `09012345678` are one in JP).

use super::check_sender;
use crate::error::{Error, Result};
use crate::signals::sender;
use std::collections::{HashMap, HashSet};

/// Check a blocked list: every entry a sender ([`check_sender`]), and no sender twice under
/// two spellings (`+1 (555) 123-4567` and `+15551234567`; `+81 90-1234-5678` and
/// `09012345678` in JP), which would show twice in `services blocked` for one number.
pub(super) fn check_blocked(blocked: &[String], region: &str) -> Result<()> {
    let err = |i: usize, message: String| Error::RegistryEntry {
        entry: "blocked".into(),
        field: format!("blocked[{i}]"),
        message,
    };
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(blocked.len());
    for (i, b) in blocked.iter().enumerate() {
        check_sender(b).map_err(|m| err(i, m))?;
        let key = sender::parse(b, region).key;
        if let Some(&first) = seen.get(&key) {
            let same = if blocked[first] == *b {
                "the same sender as".to_string()
            } else {
                format!("the same sender (region {region}) as")
            };
            return Err(err(
                i,
                format!(
                    "{b:?} is {same} blocked[{first}] {:?}; list it once",
                    blocked[first]
                ),
            ));
        }
        seen.insert(key, i);
    }
    Ok(())
}

/// The spelling under which `sender` is already in `blocked`, if it is (`+81 90-1234-5678`
/// for `09012345678` in JP).
pub fn blocked_as<'a>(blocked: &'a [String], sender: &str, region: &str) -> Option<&'a str> {
    let key = sender::parse(sender, region).key;
    if key.is_empty() {
        return None;
    }
    blocked
        .iter()
        .find(|b| sender::parse(b, region).key == key)
        .map(String::as_str)
}

/// Add `sender` to a blocked list after [`check_sender`]. A sender blocked already, under
/// this spelling or another, is not added twice: with `refuse_known` that is
/// [`Error::AlreadyBlocked`] (the user asked to block it), otherwise nothing (a file or a
/// confirmed message that blocks it again).
pub(crate) fn add_blocked(
    blocked: &mut Vec<String>,
    sender: &str,
    region: &str,
    refuse_known: bool,
) -> Result<()> {
    check_sender(sender).map_err(Error::Invalid)?;
    match blocked_as(blocked, sender, region) {
        Some(written) if refuse_known => Err(Error::AlreadyBlocked {
            sender: sender.to_string(),
            written: written.to_string(),
        }),
        Some(_) => Ok(()),
        None => {
            blocked.push(sender.to_string());
            Ok(())
        }
    }
}

/// Add every sender of `senders` to a blocked list, as [`add_blocked`] without `refuse_known`
/// does for one: the keys of the list are computed once, so a file of many blocked senders is
/// merged in linear time.
pub(crate) fn extend_blocked(
    blocked: &mut Vec<String>,
    senders: &[String],
    region: &str,
) -> Result<()> {
    let mut keys: HashSet<String> = blocked
        .iter()
        .map(|b| sender::parse(b, region).key)
        .collect();
    for s in senders {
        check_sender(s).map_err(Error::Invalid)?;
        if keys.insert(sender::parse(s, region).key) {
            blocked.push(s.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RegistryFile;

    #[test]
    fn refuses_one_blocked_sender_in_two_spellings() {
        // (first, second, region, refused)
        let cases: &[(&str, &str, &str, bool)] = &[
            ("+81 90-1234-5678", "09012345678", "JP", true),
            ("090-1234-5678", "+819012345678", "JP", true),
            ("+1 (555) 123-4567", "+15551234567", "JP", true),
            ("+1 (555) 123-4567", "+15551234567", "US", true),
            ("(555) 123-4567", "+1 555 123 4567", "US", true),
            ("SPAMMER", "spammer", "JP", true),
            ("SPAMMER", "SPAMMER", "JP", true),
            // Another country's national spelling is another number.
            ("+81 90-1234-5678", "09012345678", "US", false),
            ("+81 90-1234-5678", "09012345679", "JP", false),
        ];
        for &(a, b, region, refused) in cases {
            let text = format!(
                r#"{{"version":1,"blocked":["OTHER",{},{}]}}"#,
                serde_json::json!(a),
                serde_json::json!(b)
            );
            let got = RegistryFile::from_json_in(&text, region);
            if !refused {
                assert!(got.is_ok(), "{a} / {b} in {region}: {got:?}");
                continue;
            }
            let e = got.unwrap_err().to_string();
            let want = format!("blocked: field `blocked[2]`: {b:?} is the same sender");
            assert!(
                e.contains(&want) && e.contains(&format!("as blocked[1] {a:?}")),
                "{a} / {b} in {region}: {e}"
            );
        }
        // Adding to a list: refused when asked to block (the error holds the spelling it has,
        // its message repeats no number), skipped when a file or a confirmed message blocks it
        // again.
        let mut list = vec!["+81 90-1234-5678".to_string()];
        let e = add_blocked(&mut list, "09012345678", "JP", true).unwrap_err();
        match &e {
            Error::AlreadyBlocked { sender, written } => {
                assert_eq!(
                    (sender.as_str(), written.as_str()),
                    ("09012345678", "+81 90-1234-5678")
                )
            }
            other => panic!("{other:?}"),
        }
        let said = e.to_string();
        assert!(
            said.contains("written another way") && !said.contains("1234"),
            "{said}"
        );
        add_blocked(&mut list, "09012345678", "JP", false).unwrap();
        extend_blocked(&mut list, &["+819012345678".into(), "SPAM".into()], "JP").unwrap();
        assert_eq!(list, ["+81 90-1234-5678", "SPAM"]);
        assert!(add_blocked(&mut list, "   ", "JP", false).is_err());
        assert_eq!(blocked_as(&list, "spam", "JP"), Some("SPAM"));
        assert_eq!(blocked_as(&list, "09012345678", "US"), None);
    }
}
