//! Key layout: how a record's time and id become sortable key bytes, the newest-first index
//! key, and the dedup hash. Pure functions, so that the layout is tested without a database.

/// The `n/` key of a record: its `r/` suffix with every bit inverted, so that a forward scan
/// meets the newest record first.
///
/// Why an index rather than `range(..).rev()`: sled's reverse iteration keeps a 1 MiB
/// constant (an all-`0xFF` upper key) that nothing else uses, and that constant was a sixth of
/// the phone library. Forward scans only, and it is gone.
pub(super) fn newest_key(suffix: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + suffix.len());
    k.extend_from_slice(b"n/");
    k.extend(suffix.iter().map(|b| !b));
    k
}

/// Record key suffix: received time first so that keys sort by time, id to break ties.
pub(crate) fn record_suffix(received_at: i64, id: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    // Flip the sign bit so that negative times sort before positive ones as unsigned bytes.
    k[..8].copy_from_slice(&((received_at as u64) ^ (1 << 63)).to_be_bytes());
    k[8..].copy_from_slice(&id.to_be_bytes());
    k
}

pub(super) fn prefixed(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(prefix.len() + rest.len());
    v.extend_from_slice(prefix);
    v.extend_from_slice(rest);
    v
}

/// 128-bit FNV-1a over length-prefixed fields: the dedup key of (sender, body, received_at).
/// Not cryptographic: a hit is confirmed by comparing the stored record before it is trusted.
pub(crate) fn dedup_hash(sender: &str, body: &str, received_at: Option<i64>) -> [u8; 16] {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for &b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    };
    feed(sender.as_bytes());
    feed(body.as_bytes());
    match received_at {
        Some(t) => feed(&t.to_le_bytes()),
        None => feed(b"-"),
    }
    h.to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_sort_by_time() {
        let a = record_suffix(-5, 9);
        let b = record_suffix(0, 1);
        let c = record_suffix(1_700_000_000_000, 0);
        let d = record_suffix(1_700_000_000_000, 1);
        assert!(a < b && b < c && c < d);
    }

    #[test]
    fn dedup_hash_separates_fields() {
        assert_ne!(dedup_hash("ab", "c", None), dedup_hash("a", "bc", None));
        assert_ne!(dedup_hash("a", "b", Some(1)), dedup_hash("a", "b", None));
        assert_eq!(dedup_hash("a", "b", Some(1)), dedup_hash("a", "b", Some(1)));
    }
}
