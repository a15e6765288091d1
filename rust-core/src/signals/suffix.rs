//! Where a host's registrable domain starts: the public-suffix list, behind one function.
//!
//! Links are judged by their registrable domain (`sbisec.co.jp`, `xxxx.duckdns.org`), which
//! only the public-suffix list can tell, and a host whose suffix is on no list reaches no site.
//! The list comes from `structured-public-domains`, which searches a ~110 KB binary trie in
//! place; it replaced `psl`, whose list compiled to 670 KB of match arms, a fifth of the phone
//! library. That crate keeps internationalised rules in Unicode (`рф`, not `xn--p1ai`), while
//! everything here speaks ASCII (punycode): a host with an `xn--` label is looked up in its
//! Unicode form and the answer is given back as labels of the ASCII host.

/// A host split at its public suffix. Every slice borrows from the host it was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The public suffix: `co.jp` for `www.sbisec.co.jp`, `duckdns.org` for `x.duckdns.org`.
    pub suffix: &'a str,
    /// The suffix and one label more, when the host has it: `sbisec.co.jp`. `None` when the
    /// host is itself a public suffix.
    pub domain: Option<&'a str>,
    /// Whether a rule of the list matched. Without one the last label counts as the suffix
    /// (the list's implicit `*` rule), which for a link means a top-level domain nobody has.
    pub known: bool,
}

/// Split a lower-case ASCII host (punycode for internationalised labels). `None` for an empty
/// host or one with an empty label inside. Leading dots are stepped over: `http://.duckdns.org`
/// (a link with its name cut out) still ends in dynamic DNS.
pub fn split(host: &str) -> Option<Split<'_>> {
    let host = host
        .strip_suffix('.')
        .unwrap_or(host)
        .trim_start_matches('.');
    if host.is_empty() || host.split('.').any(str::is_empty) {
        return None;
    }
    let info = if host.split('.').any(|l| l.starts_with("xn--")) {
        let (unicode, _) = idna::domain_to_unicode(host);
        // Decoding keeps one label per label; if it ever did not, the ASCII form is the
        // better guess than a misaligned answer.
        if unicode.split('.').count() == host.split('.').count() {
            structured_public_domains::lookup(&unicode)
        } else {
            structured_public_domains::lookup(host)
        }
    } else {
        structured_public_domains::lookup(host)
    }?;
    let labels = info.suffix().split('.').count();
    let suffix = last_labels(host, labels)?;
    let domain = last_labels(host, labels + 1).filter(|d| d.len() > suffix.len());
    Some(Split {
        suffix,
        domain,
        known: info.is_known(),
    })
}

/// The label left of the public suffix: `sbisec` for `www.sbisec.co.jp`.
pub fn registrable_label(host: &str) -> Option<String> {
    let split = split(host)?;
    let label = split
        .domain?
        .strip_suffix(split.suffix)?
        .trim_end_matches('.');
    (!label.is_empty()).then(|| label.to_string())
}

/// A suffix whose registry admits only governments, public bodies or schools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restricted {
    /// The suffix (`go.jp`).
    pub suffix: &'static str,
    /// Whether only a government registers under it, so that a public body's registry entry
    /// may name the suffix itself (`gov.uk` for HMRC): every host under it is a government's.
    /// Schools' suffixes and the bare top-level domains are not listable.
    pub listable: bool,
}

const fn r(suffix: &'static str, listable: bool) -> Restricted {
    Restricted { suffix, listable }
}

/// Suffixes whose registry admits only governments, public bodies or schools: a host under one
/// is an institution's, whatever its name (`courts.alaska.gov`, `city.kobe.lg.jp`). One table,
/// so that links and the registry cannot drift apart.
pub const RESTRICTED: &[Restricted] = &[
    r("gov", false),
    r("mil", false),
    r("edu", false),
    r("go.jp", true),
    r("lg.jp", true),
    r("ac.jp", false),
    r("ed.jp", false),
    r("gov.uk", true),
    r("nhs.uk", true),
    r("police.uk", false),
    r("ac.uk", false),
    r("gc.ca", true),
    r("gov.au", true),
    r("edu.au", false),
    r("govt.nz", true),
    r("gov.sg", true),
    r("gov.in", true),
    r("gov.ie", true),
    r("gouv.fr", false),
];

/// Second-level labels that the country registries reserve for schools, universities and
/// public bodies (`edu.ng`, `ac.ke`, `edu.sg`, `gov.br`, `gob.mx`, `go.kr`, `sch.uk`).
const INSTITUTIONAL_LABELS: &[&str] = &[
    "edu", "ac", "gov", "go", "gob", "gouv", "govt", "mil", "sch", "ed", "lg", "gv",
];

/// Is `host` under a country's academic or government suffix, as the public-suffix list has it:
/// a rule of the list of the form `<label>.<country>` whose label is one of
/// [`INSTITUTIONAL_LABELS`]? The list says the suffix exists; the registries reserve it.
pub fn is_institutional(host: &str) -> bool {
    let Some(s) = split(host) else {
        return false;
    };
    if !s.known || s.domain.is_none() {
        return false;
    }
    let mut labels = s.suffix.split('.');
    match (labels.next(), labels.next(), labels.next()) {
        (Some(l), Some(cc), None) => {
            cc.len() == 2
                && cc.bytes().all(|b| b.is_ascii_lowercase())
                && INSTITUTIONAL_LABELS.contains(&l)
        }
        _ => false,
    }
}

/// May a registry entry name this public suffix itself as a domain? Only a government-only
/// suffix (see [`Restricted::listable`]); every other public suffix would make every link under
/// it official.
pub fn may_be_listed(suffix: &str) -> bool {
    RESTRICTED.iter().any(|r| r.listable && r.suffix == suffix)
}

/// Whether the host ends in a suffix some rule of the list names (see [`Split::known`]).
pub fn known(host: &str) -> bool {
    split(host).is_some_and(|s| s.known)
}

/// The last `n` dot-separated labels of `host` (all of it when it has exactly `n`).
fn last_labels(host: &str, n: usize) -> Option<&str> {
    if n == 0 {
        return None;
    }
    let mut seen = 0;
    for (i, b) in host.bytes().enumerate().rev() {
        if b == b'.' {
            seen += 1;
            if seen == n {
                return Some(&host[i + 1..]);
            }
        }
    }
    (seen + 1 == n).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_academic_and_government_suffixes() {
        for (host, yes) in [
            ("portal.unilag.edu.ng", true),
            ("www.uonbi.ac.ke", true),
            ("nus.edu.sg", true),
            ("www.gob.mx", true),
            ("www.sat.gob.mx", true),
            ("www.gov.br", true),
            ("gob.mx", false),
            ("receita.fazenda.gov.br", true),
            ("www.u-tokyo.ac.jp", true),
            ("shop.example.co.jp", false),
            ("nta-go-jp.com", false),
            ("gov-uk-refund.net", false),
            ("edu.example.com", false),
        ] {
            assert_eq!(is_institutional(host), yes, "{host}");
        }
    }

    #[test]
    fn only_government_suffixes_may_be_listed() {
        for s in [
            "go.jp", "lg.jp", "gov.uk", "nhs.uk", "gov.au", "gc.ca", "govt.nz", "gov.sg",
        ] {
            assert!(may_be_listed(s), "{s}");
        }
        for s in [
            "gov",
            "edu",
            "ac.jp",
            "police.uk",
            "co.jp",
            "com",
            "duckdns.org",
        ] {
            assert!(!may_be_listed(s), "{s}");
        }
        assert_eq!(
            registrable_label("www.sbisec.co.jp").as_deref(),
            Some("sbisec")
        );
        assert_eq!(registrable_label("co.jp"), None);
    }

    /// host → (suffix, registrable domain, known).
    const TABLE: &[(&str, &str, Option<&str>, bool)] = &[
        ("www.sbisec.co.jp", "co.jp", Some("sbisec.co.jp"), true),
        ("sbisec.co.jp", "co.jp", Some("sbisec.co.jp"), true),
        ("co.jp", "co.jp", None, true),
        ("jp", "jp", None, true),
        ("example.com", "com", Some("example.com"), true),
        ("a.b.c.example.com", "com", Some("example.com"), true),
        (
            "x.y.duckdns.org",
            "duckdns.org",
            Some("y.duckdns.org"),
            true,
        ),
        ("abc.web.app", "web.app", Some("abc.web.app"), true),
        (
            "foo.bar.blogspot.com",
            "blogspot.com",
            Some("bar.blogspot.com"),
            true,
        ),
        (
            "a.city.kawasaki.jp",
            "kawasaki.jp",
            Some("city.kawasaki.jp"),
            true,
        ),
        (
            "a.b.kawasaki.jp",
            "b.kawasaki.jp",
            Some("a.b.kawasaki.jp"),
            true,
        ),
        ("report.pdf", "pdf", Some("report.pdf"), false),
        ("foo.zzzz", "zzzz", Some("foo.zzzz"), false),
        ("shop.xn--p1ai", "xn--p1ai", Some("shop.xn--p1ai"), true),
        (
            "a.b.xn--55qx5d.cn",
            "xn--55qx5d.cn",
            Some("b.xn--55qx5d.cn"),
            true,
        ),
        (
            "xn--eckvdtc9d.xn--tckwe",
            "xn--tckwe",
            Some("xn--eckvdtc9d.xn--tckwe"),
            true,
        ),
        ("www.example.com.", "com", Some("example.com"), true),
        (".duckdns.org", "duckdns.org", None, true),
        (
            "..x.duckdns.org",
            "duckdns.org",
            Some("x.duckdns.org"),
            true,
        ),
    ];

    #[test]
    fn splits_hosts_as_the_list_says() {
        for &(host, suffix, domain, known) in TABLE {
            let s = split(host).unwrap_or_else(|| panic!("{host} splits"));
            assert_eq!(
                (s.suffix, s.domain, s.known),
                (suffix, domain, known),
                "{host}"
            );
        }
    }

    #[test]
    fn refuses_empty_labels() {
        for host in ["", ".", "a..com", "..", "a.com..", "a..b.com"] {
            assert_eq!(split(host), None, "{host:?}");
        }
    }

    #[test]
    fn last_labels_counts_from_the_right() {
        assert_eq!(last_labels("a.b.c", 1), Some("c"));
        assert_eq!(last_labels("a.b.c", 3), Some("a.b.c"));
        assert_eq!(last_labels("a.b.c", 4), None);
        assert_eq!(last_labels("a.b.c", 0), None);
    }

    proptest::proptest! {
        /// Any host: the suffix and domain are tails of it, the domain one label longer.
        #[test]
        fn answers_are_tails_of_the_host(host in "[a-z0-9-]{1,8}(\\.(xn--)?[a-z0-9-]{1,8}){0,4}") {
            if let Some(s) = split(&host) {
                proptest::prop_assert!(host.ends_with(s.suffix));
                if let Some(d) = s.domain {
                    proptest::prop_assert!(host.ends_with(d));
                    proptest::prop_assert_eq!(d.split('.').count(), s.suffix.split('.').count() + 1);
                }
            }
        }
    }
}
