//! Intake: an SMS judged, stored and reported in one flushed write. A message seen before (the
//! same sender, body and time) is answered from its stored record instead of stored twice, and a
//! held message's record keeps the reason it was held.

use super::*;

impl Gateway {
    /// Classify a message; keep it when quarantined. Returns after the record is on disk.
    pub fn ingest(&self, sms: &Sms) -> Result<Decision> {
        Ok(self.ingest_batch(std::slice::from_ref(sms))?.remove(0))
    }

    /// Classify and keep a batch with one flush; every quarantined item is on disk on return.
    pub fn ingest_batch(&self, batch: &[Sms]) -> Result<Vec<Decision>> {
        let judge = self.classifier();
        let mut decisions: Vec<Decision> = batch
            .iter()
            .map(|sms| Decision {
                verdict: judge.classify(sms),
                record_id: None,
                duplicate: false,
            })
            .collect();
        if !decisions
            .iter()
            .any(|d| d.verdict.action == Action::Quarantine)
        {
            return Ok(decisions);
        }
        let now = now_ms();
        let _guard = self.lock();
        // Ids written in this batch per dedup hash, for duplicates inside the batch itself.
        let mut pending: HashMap<[u8; 16], Vec<u64>> = HashMap::new();
        let mut pending_records: HashMap<u64, usize> = HashMap::new();
        let mut w = Write::new();
        let mut in_write = 0;
        let mut stored = 0;
        for (i, sms) in batch.iter().enumerate() {
            if decisions[i].verdict.action != Action::Quarantine {
                continue;
            }
            let hash = dedup_hash(&sms.sender, &sms.body, sms.received_at);
            let ids = match pending.get(&hash) {
                Some(ids) => ids.clone(),
                None => self.store.dedup(&hash)?,
            };
            let mut dup = None;
            for &id in &ids {
                let same = match pending_records.get(&id) {
                    Some(&j) => batch[j] == *sms,
                    None => self
                        .store
                        .record(id)?
                        .is_some_and(|r| same_message(&r, sms)),
                };
                if same {
                    dup = Some(id);
                    break;
                }
            }
            if let Some(id) = dup {
                decisions[i].record_id = Some(id);
                decisions[i].duplicate = true;
                log::debug!("ingest: duplicate of record {id}, not stored again");
                continue;
            }
            let id = self.store.next_id()?;
            let record = new_record(id, sms, &decisions[i].verdict, now);
            let day = self.day(record.received_at);
            w.put_record(&record)?;
            let mut new_ids = ids;
            new_ids.push(id);
            w.put_dedup(&hash, &new_ids)?;
            pending.insert(hash, new_ids);
            pending_records.insert(id, i);
            w.counters().record(&record, &day, 1);
            decisions[i].record_id = Some(id);
            log::debug!(
                "ingest: quarantined as record {id} (kind {}, service {})",
                record.kind.as_str(),
                record.service.as_deref().unwrap_or("-")
            );
            in_write += 1;
            stored += 1;
            if in_write >= CHUNK {
                self.store.apply(std::mem::replace(&mut w, Write::new()))?;
                in_write = 0;
            }
        }
        self.store.apply(w)?;
        if stored > 0 {
            self.store.flush()?;
        }
        Ok(decisions)
    }
}

pub(super) fn same_message(r: &Record, sms: &Sms) -> bool {
    r.sender == sms.sender
        && r.body == sms.body
        && match sms.received_at {
            Some(t) => r.received_at_given && r.received_at == t,
            None => !r.received_at_given,
        }
}

pub(super) fn new_record(id: u64, sms: &Sms, v: &Verdict, now: i64) -> Record {
    Record {
        schema: record::RECORD_SCHEMA,
        id,
        sender: sms.sender.clone(),
        body: sms.body.clone(),
        received_at: sms.received_at.unwrap_or(now),
        received_at_given: sms.received_at.is_some(),
        ingested_at: now,
        status: Status::Quarantined,
        status_at: now,
        kind: v.kind,
        service: v.service.clone(),
        otp: v.otp.clone(),
        hosts: v
            .links
            .iter()
            .map(|l| l.link.effective().host.clone())
            .collect(),
        links: v
            .links
            .iter()
            .map(|l| {
                let judged = l.link.effective();
                StoredLink {
                    url: l.link.text.clone(),
                    host: judged.host.clone(),
                    domain: judged.domain.clone(),
                    official_for: l.official_for.clone(),
                }
            })
            .collect(),
        reasons: v
            .reasons
            .iter()
            .map(|r| StoredReason {
                code: r.code,
                en: r.en(),
                ja: r.ja(),
                service: r.service.clone(),
                host: r.host.clone(),
                imitates: r.imitates.clone(),
            })
            .collect(),
    }
}

// The gateway is shared between threads (the app's receiver and its UI).

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Gateway>();
};

/// Why a held record was judged an attack: the code of its most telling reason, or `None`
/// for a kind that accuses nobody (none is held today; a future kind held for review only
/// would not need force).
pub(super) fn attack_reason(r: &Record) -> Option<String> {
    let attack = !matches!(
        r.kind,
        Kind::Trusted | Kind::Otp | Kind::Clean | Kind::OffPolicy | Kind::UnverifiedClaim
    );
    if !attack {
        return None;
    }
    use crate::verdict::ReasonCode as C;
    const TELLING: &[C] = &[
        C::SpoofedSender,
        C::OriginMismatch,
        C::LookalikeDomain,
        C::LinkOutsideService,
        C::BlockedSender,
        C::RiskyLink,
        C::AsksForSecrets,
    ];
    let main = TELLING
        .iter()
        .find_map(|c| r.reasons.iter().find(|x| x.code == *c))
        .or(r.reasons.first());
    Some(
        main.map_or(r.kind.as_str(), |x| x.code.as_str())
            .to_string(),
    )
}
