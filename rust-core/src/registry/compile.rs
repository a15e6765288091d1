//! [`Registry::compile`]: a registry file turned into the indexes the classifier reads (sender
//! keys, domains, and the [`BrandIndex`] of names and official domains), in linear time.

use super::{Owners, Registry, RegistryFile, Service, ServiceId};
use crate::error::{Error, Result};
use crate::signals::brands::{Brand, BrandIndex};
use crate::signals::sender;
use crate::text::dict::StrMap;

impl Registry {
    /// Compile a registry file for a default region (numbers without a country code are read
    /// in it).
    pub fn compile(file: &RegistryFile, region: &str) -> Result<Registry> {
        if !sender::is_known_region(region) {
            return Err(Error::Region(region.to_string()));
        }
        let n = file.services.len();
        let mut services = Vec::with_capacity(n);
        let mut by_id = StrMap::with_capacity(n);
        let mut senders: StrMap<Owners> = StrMap::with_capacity(2 * n);
        let mut domains = StrMap::with_capacity(n);
        for (idx, spec) in file.services.iter().enumerate() {
            let name = spec.shown_name().to_string();
            // A later entry of an id wins, as a map's insert does.
            *by_id.entry(&spec.id, || idx).0 = idx;
            for s in &spec.senders {
                let key = sender::parse(s, region).key;
                let (owners, fresh) = senders.entry(&key, || Owners::One([idx]));
                if !fresh {
                    owners.add(idx);
                }
            }
            for d in &spec.domains {
                domains.entry(d, || idx);
            }
            services.push(Service {
                id: ServiceId::from(spec.id.as_str()),
                name,
                domains: spec.domains.clone(),
                links: spec.link_policy(),
                category: spec.category.clone(),
            });
        }
        let brands: Vec<Brand<'_>> = file
            .services
            .iter()
            .zip(&services)
            .map(|(spec, svc)| Brand {
                name: &svc.name,
                aliases: &spec.aliases,
                domains: &spec.domains,
            })
            .collect();
        let brands = BrandIndex::build(&brands);
        let blocked = file
            .blocked
            .iter()
            .map(|s| sender::parse(s, region).key)
            .filter(|k| !k.is_empty())
            .collect();
        Ok(Registry {
            services,
            by_id,
            senders,
            domains,
            brands,
            blocked,
            region: region.to_ascii_uppercase(),
        })
    }
}
