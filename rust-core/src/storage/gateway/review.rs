//! Review of the quarantine: listing by page with a cursor, release (optionally trusting the
//! sender), confirm (optionally blocking it), delete, retention purge and the statistics.

use super::intake::attack_reason;
use super::overlay::add_sender_to;
use super::*;

impl Gateway {
    /// Quarantined messages newest first, filtered, one page at a time.
    pub fn list(&self, q: &ListQuery) -> Result<Page> {
        let limit = if q.limit == 0 {
            50
        } else {
            q.limit.min(10_000)
        };
        let after = match &q.cursor {
            Some(c) => Some(decode_cursor(c)?),
            None => None,
        };
        let kind = q.kind;
        let mut records = Vec::new();
        let mut last = None;
        let mut more = false;
        let mut skipped = 0;
        for item in self.store.records_newest_first(after.as_deref()) {
            let (key, r) = item?;
            let Ok(r) = r else {
                skipped += 1;
                log::warn!("list: a record cannot be decoded; skipped");
                continue;
            };
            let keep = q.status.is_none_or(|s| r.status == s)
                && kind.is_none_or(|k| r.kind == k)
                && q.service
                    .as_deref()
                    .is_none_or(|s| r.service.as_deref().unwrap_or("-") == s);
            if !keep {
                continue;
            }
            if records.len() == limit {
                more = true;
                break;
            }
            last = Some(key);
            records.push(r);
        }
        Ok(Page {
            records,
            next_cursor: if more {
                last.map(|k| encode_cursor(&k))
            } else {
                None
            },
            skipped,
        })
    }

    /// One quarantined message.
    pub fn get(&self, id: u64) -> Result<Record> {
        self.store.record(id)?.ok_or(Error::NoSuchRecord(id))
    }

    /// Release a message: mark it released and return it for delivery. With `trust`, also
    /// register its sender for that service. Every held message was judged an attack (a
    /// look-alike, an impersonation, a spoofed sender…), and trusting an attacker's number
    /// would deliver its next lures as the service's own: trusting needs `force`, and without
    /// it the error says why the message was held. Nothing is changed then.
    pub fn release(&self, id: u64, trust: Option<&str>, force: bool) -> Result<Record> {
        let mut state = self.lock();
        let mut r = self.store.record(id)?.ok_or(Error::NoSuchRecord(id))?;
        let mut w = Write::new();
        let mut new_overlay = None;
        if let Some(service) = trust {
            if !state
                .overlay
                .effective()
                .services
                .iter()
                .any(|s| s.id == service)
            {
                return Err(Error::NoSuchService(service.to_string()));
            }
            if let Some(why) = attack_reason(&r).filter(|_| !force) {
                return Err(Error::TrustNeedsForce {
                    id,
                    kind: r.kind.as_str().to_string(),
                    why,
                });
            }
            let mut o = state.overlay.clone();
            add_sender_to(&mut o, service, &r.sender)?;
            w.put_overlay(record::encode(&o)?);
            new_overlay = Some(o);
        }
        self.set_status(&mut w, &mut r, Status::Released)?;
        self.store.apply(w)?;
        self.store.flush()?;
        if let Some(o) = new_overlay {
            self.install(&mut state, o)?;
        }
        log::debug!(
            "release: record {id} released{}",
            if trust.is_some() {
                ", sender trusted"
            } else {
                ""
            }
        );
        Ok(r)
    }

    /// Confirm a message as smishing; with `block`, also block its sender.
    pub fn confirm(&self, id: u64, block: bool) -> Result<Record> {
        let mut state = self.lock();
        let mut r = self.store.record(id)?.ok_or(Error::NoSuchRecord(id))?;
        let mut w = Write::new();
        let mut new_overlay = None;
        if block {
            let mut o = state.overlay.clone();
            crate::registry::add_blocked(&mut o.blocked, &r.sender, &self.opts.region, false)?;
            w.put_overlay(record::encode(&o)?);
            new_overlay = Some(o);
        }
        self.set_status(&mut w, &mut r, Status::Confirmed)?;
        self.store.apply(w)?;
        self.store.flush()?;
        if let Some(o) = new_overlay {
            self.install(&mut state, o)?;
        }
        log::debug!(
            "confirm: record {id} confirmed{}",
            if block { ", sender blocked" } else { "" }
        );
        Ok(r)
    }

    pub(super) fn set_status(&self, w: &mut Write, r: &mut Record, status: Status) -> Result<()> {
        if r.status != status {
            let c: &mut Counters = w.counters();
            c.add(format!("status/{}", r.status.as_str()), -1);
            c.add(format!("status/{}", status.as_str()), 1);
            r.status = status;
            r.status_at = now_ms();
        }
        w.put_record(r)
    }

    /// Delete a message for good.
    pub fn delete(&self, id: u64) -> Result<()> {
        let _state = self.lock();
        let r = match self.store.record(id) {
            Ok(r) => r.ok_or(Error::NoSuchRecord(id))?,
            // A record that cannot be decoded can still be deleted.
            Err(e @ Error::Corrupt(_)) => {
                if self.store.remove_unreadable(id)? {
                    self.store.flush()?;
                    log::warn!("delete: record {id} could not be decoded; deleted as it was");
                    return Ok(());
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let mut w = Write::new();
        self.remove_into(&mut w, &r)?;
        self.store.apply(w)?;
        self.store.flush()?;
        log::debug!("delete: record {id} deleted");
        Ok(())
    }

    pub(super) fn remove_into(&self, w: &mut Write, r: &Record) -> Result<()> {
        w.remove_record(r);
        let given = r.received_at_given.then_some(r.received_at);
        let hash = dedup_hash(&r.sender, &r.body, given);
        let mut ids = self.store.dedup(&hash)?;
        ids.retain(|&i| i != r.id);
        w.put_dedup(&hash, &ids)?;
        let day = self.day(r.received_at);
        w.counters().record(r, &day, -1);
        Ok(())
    }

    /// Delete messages received more than `days` days ago (default
    /// [`DEFAULT_RETENTION_DAYS`]). Returns how many were deleted.
    pub fn purge(&self, days: Option<u32>) -> Result<usize> {
        let days = days.unwrap_or(DEFAULT_RETENTION_DAYS);
        let cutoff = now_ms() - i64::from(days) * 86_400_000;
        let _state = self.lock();
        // Oldest first, one record at a time: memory stays flat however much is purged. Each
        // removal is applied before the next so that shared dedup lists stay exact.
        let mut n = 0;
        let mut unreadable = Vec::new();
        for item in self.store.records_oldest_first() {
            let (key, r) = item?;
            let Ok(r) = r else {
                // Undecodable: its key still tells when it was received.
                if key_time(&key).is_some_and(|t| t < cutoff) {
                    unreadable.push(key);
                    continue;
                }
                break;
            };
            if r.received_at >= cutoff {
                break;
            }
            let mut w = Write::new();
            self.remove_into(&mut w, &r)?;
            self.store.apply(w)?;
            n += 1;
        }
        for key in &unreadable {
            self.store.remove_unreadable_at(key)?;
            n += 1;
        }
        if !unreadable.is_empty() {
            log::warn!(
                "purge: {} records that could not be decoded deleted",
                unreadable.len()
            );
        }
        if n > 0 {
            self.store.flush()?;
        }
        log::debug!("purge: {n} records older than {days} days deleted");
        Ok(n)
    }

    /// Statistics of the quarantine.
    pub fn stats(&self) -> Result<Stats> {
        let map = |g: &str| -> Result<BTreeMap<String, u64>> {
            Ok(self.store.counters(g)?.into_iter().collect())
        };
        let by_status = map("status")?;
        Ok(Stats {
            total: by_status.values().sum(),
            by_status,
            by_kind: map("kind")?,
            by_service: map("svc")?,
            by_day: map("day")?,
        })
    }
}

/// The received time in a record key suffix (see `store::keys::record_suffix`).
pub(super) fn key_time(suffix: &[u8]) -> Option<i64> {
    let b: [u8; 8] = suffix.get(..8)?.try_into().ok()?;
    Some((u64::from_be_bytes(b) ^ (1 << 63)) as i64)
}

pub(super) fn encode_cursor(key: &[u8]) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn decode_cursor(c: &str) -> Result<Vec<u8>> {
    // The cursor is not repeated: it came from the caller, and errors can reach logs.
    let bad = || Error::Invalid("not a cursor returned by list".to_string());
    if c.len() != 32 || !c.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    (0..16)
        .map(|i| u8::from_str_radix(&c[2 * i..2 * i + 2], 16).map_err(|_| bad()))
        .collect()
}
