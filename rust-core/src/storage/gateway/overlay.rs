//! The user's registry: an overlay of their own services, removals and blocked senders over the
//! built-in default, so that an update's new brands still arrive. Every change is validated,
//! compiled and stored before it takes effect.

use super::*;

/// The user's changes to the built-in registry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Overlay {
    pub(super) schema: u16,
    /// User services: a known id extends the default's entry (merge rules of `RegistryFile`).
    pub(super) services: Vec<ServiceSpec>,
    /// Default services the user removed.
    pub(super) removed: Vec<String>,
    /// Blocked senders as written.
    pub(super) blocked: Vec<String>,
}

impl Overlay {
    /// The registry it makes: compiled for `region`, the one way the gateway and
    /// [`Classifier`] (with no overlay) build what they classify with.
    pub(super) fn compile(&self, region: &str) -> Result<Registry> {
        Registry::compile(&self.effective(), region)
    }

    pub(super) fn effective(&self) -> RegistryFile {
        let mut file = RegistryFile::default_registry().clone();
        file.services.retain(|s| !self.removed.contains(&s.id));
        file.merge(RegistryFile {
            version: REGISTRY_VERSION,
            services: self.services.clone(),
            blocked: self.blocked.clone(),
        });
        file
    }
}

impl Gateway {
    /// The effective registry (default plus the user's changes) in the file format.
    pub fn registry_file(&self) -> RegistryFile {
        self.lock().overlay.effective()
    }

    /// One service of the effective registry.
    pub fn service(&self, id: &str) -> Result<ServiceSpec> {
        self.registry_file()
            .services
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| Error::NoSuchService(id.to_string()))
    }

    /// Add a new service.
    pub fn add_service(&self, spec: ServiceSpec) -> Result<()> {
        let spec = spec.checked()?;
        self.change(|o, effective| {
            if effective.services.iter().any(|s| s.id == spec.id) {
                return Err(Error::ServiceExists(spec.id.clone()));
            }
            o.removed.retain(|r| *r != spec.id);
            o.services.retain(|s| s.id != spec.id);
            o.services.push(spec.clone());
            Ok(())
        })
    }

    /// Replace the user's entry of a service (for a built-in service, what extends it).
    pub fn update_service(&self, spec: ServiceSpec) -> Result<()> {
        let spec = spec.checked()?;
        self.change(|o, effective| {
            if !effective.services.iter().any(|s| s.id == spec.id) {
                return Err(Error::NoSuchService(spec.id.clone()));
            }
            o.services.retain(|s| s.id != spec.id);
            o.services.push(spec.clone());
            Ok(())
        })
    }

    /// Remove a service (a built-in one is hidden until the registry is reset).
    pub fn remove_service(&self, id: &str) -> Result<()> {
        self.change(|o, effective| {
            if !effective.services.iter().any(|s| s.id == id) {
                return Err(Error::NoSuchService(id.to_string()));
            }
            o.services.retain(|s| s.id != id);
            if RegistryFile::default_registry()
                .services
                .iter()
                .any(|s| s.id == id)
                && !o.removed.iter().any(|r| r == id)
            {
                o.removed.push(id.to_string());
            }
            Ok(())
        })
    }

    /// Register a sender for a service.
    pub fn add_sender(&self, id: &str, sender: &str) -> Result<()> {
        self.change(|o, effective| {
            if !effective.services.iter().any(|s| s.id == id) {
                return Err(Error::NoSuchService(id.to_string()));
            }
            add_sender_to(o, id, sender)
        })
    }

    /// Block a sender: its messages are quarantined with kind `blocked`. A sender blocked
    /// already, however it was written, is [`Error::AlreadyBlocked`].
    pub fn block_sender(&self, sender: &str) -> Result<()> {
        self.change(|o, _| {
            crate::registry::add_blocked(&mut o.blocked, sender, &self.opts.region, true)
        })
    }

    /// Unblock a sender (however it was written when blocked).
    pub fn unblock_sender(&self, sender: &str) -> Result<bool> {
        let key = crate::signals::sender::parse(sender, &self.opts.region).key;
        let mut found = false;
        self.change(|o, _| {
            let before = o.blocked.len();
            o.blocked
                .retain(|b| crate::signals::sender::parse(b, &self.opts.region).key != key);
            found = o.blocked.len() != before;
            Ok(())
        })?;
        Ok(found)
    }

    /// Blocked senders as written.
    pub fn blocked_senders(&self) -> Vec<String> {
        self.lock().overlay.blocked.clone()
    }

    /// Import a registry file (the `check` schema). `replace` drops the user's earlier changes
    /// first; otherwise the file is merged over them. Returns the number of services read.
    pub fn import_registry(&self, json: &str, replace: bool) -> Result<usize> {
        let file = RegistryFile::from_json_in(json, &self.opts.region)?;
        let n = file.services.len();
        self.change(|o, _| import_into(o, file, replace, &self.opts.region))?;
        Ok(n)
    }

    /// What [`Gateway::import_registry`] would change, changing nothing: the effective
    /// registry now against the one the import would make, read, checked and merged exactly as
    /// the import does it (a bad file is the import's error). Empty when the file changes
    /// nothing. A screen shows it and asks before a file changes a built-in service or the
    /// blocked list: a "bank list" could make an attacker's domain official.
    pub fn preview_import(&self, json: &str, replace: bool) -> Result<RegistryDiff> {
        let file = RegistryFile::from_json_in(json, &self.opts.region)?;
        let state = self.lock();
        let (after, _) = self.changed(&state.overlay, |o, _| {
            import_into(o, file, replace, &self.opts.region)
        })?;
        let diff = RegistryDiff::between(
            &state.overlay.effective(),
            &after.effective(),
            &self.opts.region,
        );
        log::debug!(
            "registry import previewed ({} services differ)",
            diff.services.len()
        );
        Ok(diff)
    }

    /// The effective registry as JSON (the `check` schema).
    pub fn export_registry(&self) -> String {
        self.registry_file().to_json()
    }

    /// Drop every change the user made to the registry (blocked senders included).
    pub fn reset_registry(&self) -> Result<()> {
        self.change(|o, _| {
            *o = Overlay::default();
            Ok(())
        })
    }

    /// Apply a change to the overlay: validated by compiling it, then written and flushed,
    /// then installed. Nothing is written when the change or its result is invalid.
    pub(super) fn change(
        &self,
        f: impl FnOnce(&mut Overlay, &RegistryFile) -> Result<()>,
    ) -> Result<()> {
        let mut state = self.lock();
        let (o, compiled) = self.changed(&state.overlay, f)?;
        let mut w = Write::new();
        w.put_overlay(record::encode(&o)?);
        self.store.apply(w)?;
        self.store.flush()?;
        *self.registry.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(compiled);
        state.overlay = o;
        log::debug!("registry changed");
        Ok(())
    }

    /// A change applied to a copy of `current` and validated by compiling the result: the new
    /// overlay with its compiled registry. Nothing is written or installed (a preview stops
    /// here).
    pub(super) fn changed(
        &self,
        current: &Overlay,
        f: impl FnOnce(&mut Overlay, &RegistryFile) -> Result<()>,
    ) -> Result<(Overlay, Registry)> {
        let mut o = current.clone();
        f(&mut o, &current.effective())?;
        o.schema = 1;
        // Compiled before anything is written: a change that cannot compile is refused whole.
        let compiled = o.compile(&self.opts.region)?;
        Ok((o, compiled))
    }

    pub(super) fn install(&self, state: &mut State, o: Overlay) -> Result<()> {
        let compiled = o.compile(&self.opts.region)?;
        *self.registry.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(compiled);
        state.overlay = o;
        Ok(())
    }
}

/// Import `file` into the overlay: merged over the user's changes, or with `replace` instead
/// of them. The one computation of an import's overlay, shared by
/// [`Gateway::import_registry`] and [`Gateway::preview_import`], so that a preview is what
/// the import does.
pub(super) fn import_into(
    o: &mut Overlay,
    file: RegistryFile,
    replace: bool,
    region: &str,
) -> Result<()> {
    if replace {
        *o = Overlay::default();
    }
    // By id through a map (the file's services un-remove built-in ones): linear.
    let ids: std::collections::HashSet<&str> =
        file.services.iter().map(|s| s.id.as_str()).collect();
    o.removed.retain(|r| !ids.contains(r.as_str()));
    crate::registry::merge_services(&mut o.services, file.services);
    crate::registry::extend_blocked(&mut o.blocked, &file.blocked, region)
}

pub(super) fn add_sender_to(o: &mut Overlay, id: &str, sender: &str) -> Result<()> {
    crate::registry::check_sender(sender).map_err(Error::Invalid)?;
    if !o.services.iter().any(|s| s.id == id) {
        let in_default = RegistryFile::default_registry()
            .services
            .iter()
            .any(|s| s.id == id);
        if !in_default {
            return Err(Error::NoSuchService(id.to_string()));
        }
        o.services.push(ServiceSpec {
            id: id.to_string(),
            name: String::new(),
            aliases: Vec::new(),
            senders: Vec::new(),
            domains: Vec::new(),
            links: None,
            category: None,
            region: None,
            sources: Vec::new(),
            note: None,
        });
    }
    let spec = o
        .services
        .iter_mut()
        .find(|s| s.id == id)
        .expect("just ensured");
    if !spec.senders.iter().any(|s| s == sender) {
        spec.senders.push(sender.to_string());
    }
    Ok(())
}

impl ServiceSpec {
    /// Validate a service written by hand (the same rules as a registry file).
    pub fn checked(self) -> Result<ServiceSpec> {
        let id = self.id.clone();
        self.validated_for(&format!("service {id:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::diff::{Change, ServiceDiff};
    use crate::registry::LinkPolicy;

    /// A service of a preview with nothing in it but its id, name, flag and kind of change.
    fn bare(id: &str, name: &str, builtin: bool, change: Change) -> ServiceDiff {
        ServiceDiff {
            id: id.into(),
            name: name.into(),
            builtin,
            change,
            domains_added: Vec::new(),
            domains_removed: Vec::new(),
            senders_added: Vec::new(),
            senders_removed: Vec::new(),
            aliases_added: Vec::new(),
            aliases_removed: Vec::new(),
            links_before: None,
            links_after: None,
            name_before: None,
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// Preview, then import: the preview was exactly what the import changed, and the
    /// preview itself changed nothing.
    fn preview_then_import(g: &Gateway, json: &str, replace: bool) -> RegistryDiff {
        let before = g.registry_file();
        let exported = g.export_registry();
        let preview = g.preview_import(json, replace).unwrap();
        assert_eq!(g.registry_file(), before, "a preview changes nothing");
        assert_eq!(g.export_registry(), exported);
        g.import_registry(json, replace).unwrap();
        assert_eq!(
            RegistryDiff::between(&before, &g.registry_file(), &g.opts.region),
            preview,
            "the import changed what the preview said"
        );
        preview
    }

    const CITY_WATER: &str = r#"{"version":1,"services":[{"id":"city-water","name":"水道局","aliases":["水道局","Suido"],"senders":["SUIDO","0312345678"],"domains":["suido.example.jp","b.suido-pay.jp"]}]}"#;

    #[test]
    fn a_preview_of_a_new_service_lists_all_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        let p = preview_then_import(&g, CITY_WATER, false);
        let mut want = bare("city-water", "水道局", false, Change::Added);
        want.domains_added = strings(&["b.suido-pay.jp", "suido.example.jp"]);
        want.senders_added = strings(&["0312345678", "SUIDO"]);
        want.aliases_added = strings(&["Suido", "水道局"]);
        want.links_after = Some(LinkPolicy::Official);
        assert_eq!(p.services, [want]);
        assert!(p.blocked_added.is_empty() && p.blocked_removed.is_empty());
        // Imported again, it changes nothing: the preview is empty.
        assert!(g.preview_import(CITY_WATER, false).unwrap().is_empty());
    }

    /// An attacker's "bank list" that makes its domain and number official for a built-in
    /// brokerage: the preview names the built-in service and exactly what it gains.
    #[test]
    fn a_preview_shows_an_attacker_domain_added_to_a_builtin_service() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        let sbi = g.service("sbi-sec").unwrap();
        let json = r#"{"version":1,"services":[{"id":"sbi-sec","senders":["+81 80-4417-2093"],"domains":["sbisec-co-jp.xyz","sbisec.co.jp"],"aliases":["SBI証券"]}]}"#;
        let p = preview_then_import(&g, json, false);
        let mut want = bare("sbi-sec", &sbi.name, true, Change::Changed);
        want.domains_added = strings(&["sbisec-co-jp.xyz"]);
        want.senders_added = strings(&["+81 80-4417-2093"]);
        assert!(sbi.aliases.iter().any(|a| a == "SBI証券"), "listed already");
        assert_eq!(p.services, [want]);
        assert!(p.blocked_added.is_empty());
    }

    #[test]
    fn a_preview_shows_a_builtin_link_policy_changed_from_never_to_official() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        let sbi = g.service("sbi-sec").unwrap();
        assert_eq!(sbi.links, Some(LinkPolicy::Never));
        let json = r#"{"version":1,"services":[{"id":"sbi-sec","name":"SBI Securities","links":"official"}]}"#;
        let p = preview_then_import(&g, json, false);
        let mut want = bare("sbi-sec", "SBI Securities", true, Change::Changed);
        want.links_before = Some(LinkPolicy::Never);
        want.links_after = Some(LinkPolicy::Official);
        want.name_before = Some(sbi.name.clone());
        assert_eq!(p.services, [want]);
        // Written again as it is now: no change.
        assert!(g.preview_import(json, false).unwrap().is_empty());
    }

    #[test]
    fn a_preview_shows_blocked_senders_added_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        g.block_sender("+81 90-1234-5678").unwrap();
        let json = r#"{"version":1,"blocked":["090-1234-5678","SPAM","+1 555 123 4567"]}"#;
        let p = preview_then_import(&g, json, false);
        assert!(p.services.is_empty());
        assert_eq!(p.blocked_added, ["+1 555 123 4567", "SPAM"]);
        assert!(p.blocked_removed.is_empty());
    }

    /// `replace` drops the user's earlier changes: the preview shows each as undone (a
    /// removed built-in service comes back as added).
    #[test]
    fn a_replacing_preview_shows_earlier_changes_undone() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        g.add_service(ServiceSpec {
            id: "my-gym".into(),
            name: "My Gym".into(),
            aliases: Vec::new(),
            senders: vec!["MYGYM".into()],
            domains: vec!["gym.example.com".into()],
            links: Some(LinkPolicy::Never),
            category: None,
            region: None,
            sources: Vec::new(),
            note: None,
        })
        .unwrap();
        g.add_sender("monex", "MONEX").unwrap();
        g.remove_service("paypal").unwrap();
        g.block_sender("SPAM").unwrap();
        let paypal = RegistryFile::default_registry()
            .services
            .iter()
            .find(|s| s.id == "paypal")
            .unwrap()
            .clone();
        let p = preview_then_import(&g, CITY_WATER, true);
        let ids: Vec<(&str, Change, bool)> = p
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.change, s.builtin))
            .collect();
        assert_eq!(
            ids,
            [
                ("city-water", Change::Added, false),
                ("monex", Change::Changed, true),
                ("my-gym", Change::Removed, false),
                ("paypal", Change::Added, true),
            ]
        );
        assert_eq!(p.services[1].senders_removed, ["MONEX"]);
        let gym = &p.services[2];
        assert_eq!(
            (gym.name.as_str(), gym.senders_removed.as_slice()),
            ("My Gym", &strings(&["MYGYM"])[..])
        );
        assert_eq!(
            (gym.links_before, gym.links_after),
            (Some(LinkPolicy::Never), None)
        );
        let mut domains = paypal.domains.clone();
        domains.sort_unstable();
        assert_eq!(p.services[3].domains_added, domains);
        assert_eq!(p.blocked_removed, ["SPAM"]);
        assert!(p.blocked_added.is_empty());
    }

    #[test]
    fn a_bad_file_is_the_imports_error_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        g.block_sender("SPAM").unwrap();
        let before = g.export_registry();
        for bad in [
            "{ not json",
            "",
            r#"{"services":[]}"#,
            r#"{"version":2}"#,
            r#"{"version":1,"services":[{"id":"x","name":"X","domains":["*.bad..com"]}]}"#,
            r#"{"version":1,"services":[{"id":"x","links":"sometimes"}]}"#,
            r#"{"version":1,"services":[{"id":"x"},{"id":"x"}]}"#,
            r#"{"version":1,"blocked":["+1 (555) 123-4567","+15551234567"]}"#,
            r#"{"version":1,"blocked":["  "]}"#,
        ] {
            let preview = g.preview_import(bad, false).unwrap_err().to_string();
            let import = g.import_registry(bad, true).unwrap_err().to_string();
            assert_eq!(preview, import, "{bad}");
        }
        assert_eq!(g.export_registry(), before);
    }

    /// Nothing of a preview reaches the disk: the database opens again with the registry as
    /// it was.
    #[test]
    fn a_preview_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let exported = {
            let g = Gateway::open(dir.path()).unwrap();
            g.add_sender("monex", "MONEX").unwrap();
            let exported = g.export_registry();
            for replace in [false, true] {
                assert!(!g.preview_import(CITY_WATER, replace).unwrap().is_empty());
            }
            assert_eq!(g.export_registry(), exported);
            exported
        };
        let g = Gateway::open(dir.path()).unwrap();
        assert_eq!(g.export_registry(), exported);
        assert!(g.service("city-water").is_err());
    }

    #[test]
    fn a_file_that_changes_nothing_previews_empty() {
        let dir = tempfile::tempdir().unwrap();
        let g = Gateway::open(dir.path()).unwrap();
        g.add_sender("monex", "MONEX").unwrap();
        g.block_sender("SPAM").unwrap();
        let exported = g.export_registry();
        assert_eq!(
            g.preview_import(&exported, false).unwrap(),
            RegistryDiff::default()
        );
        assert_eq!(
            g.preview_import(r#"{"version":1}"#, false).unwrap(),
            RegistryDiff::default()
        );
        // The export holds the whole effective registry: replacing with it changes nothing.
        assert!(preview_then_import(&g, &exported, true).is_empty());
    }
}
