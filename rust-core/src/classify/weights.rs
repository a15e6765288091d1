//! Every weight and threshold the rules add up, named, each with one line of why.
//!
//! The numbers were chosen on the shared development sets and checked against the blind ones;
//! changing one changes verdicts, so it is changed here, in one place, and measured with the
//! verdict-diff tool (`cargo run --release -p smishgate-tests --bin verdicts`) and the corpus
//! scores. The rule code names these constants and never writes a bare number.

/// Link risk points, one per feature of the link's judged target (see
/// [`LinkFeature`](crate::signals::links::LinkFeature)).
pub mod link {
    use crate::signals::links::LinkFeature;

    /// A site neither a registered service's nor well known: a small risk on its own.
    pub const UNKNOWN_SITE: u32 = 1;
    /// A bare IP address: no genuine service texts one.
    pub const IP_HOST: u32 = 3;
    /// An app package download: the malware lure itself.
    pub const APK: u32 = 4;
    /// An internationalised name, which can hide look-alike letters.
    pub const PUNYCODE: u32 = 3;
    /// An ending much used by phishing sites.
    pub const ABUSE_TLD: u32 = 2;
    /// A shortener hides where the link goes, but genuine bulk senders use them too.
    pub const SHORTENER: u32 = 1;
    /// A port in the link: genuine services' links never carry one.
    pub const PORT: u32 = 2;
    /// A familiar name before an `@` that hides the real host.
    pub const USERINFO: u32 = 3;
    /// Many subdomains, a way to put a brand's name left of an unrelated domain.
    pub const DEEP_SUBDOMAIN: u32 = 1;
    /// Subdomain depth from which [`DEEP_SUBDOMAIN`] counts.
    pub const DEEP_SUBDOMAIN_DEPTH: u8 = 3;
    /// A redirect to another site: the first host is not where the reader lands.
    pub const REDIRECT: u32 = 1;
    /// A name that resembles a brand's domain.
    pub const BRAND_LOOKALIKE: u32 = 2;
    /// Free hosting or dynamic DNS, where anyone gets a name in seconds.
    pub const FREE_HOSTING: u32 = 2;
    /// A machine-made name, as kits generate by the thousand.
    pub const RANDOM_HOST: u32 = 2;
    /// A cheap new ending (counted only when it is not already an abuse-prone one).
    pub const NEW_TLD: u32 = 1;
    /// A per-recipient tracking token (not counted on a shortener, whose paths all look so).
    pub const TOKEN_PATH: u32 = 1;
    /// More links than a genuine SMS carries.
    pub const MANY_LINKS: u32 = 1;
    /// A link written to be missed (percent escapes, `//host`): as strong as a bare IP, since
    /// only someone dodging a filter writes one.
    pub const DISGUISED: u32 = 3;
    /// A name made only of phishing words (`secure-verify-center`): like free hosting, a name
    /// no brand sends its customers to, but one a real small business might pick, so a little
    /// less.
    pub const LURE_WORDS: u32 = 2;
    /// From how many links [`MANY_LINKS`] counts (more than this many).
    pub const MANY_LINKS_ABOVE: usize = 3;
    /// A link standing bare, without a sentence around it, once the link is risky at all.
    pub const BARE_LINK: u32 = 1;

    /// The risk points a link feature adds.
    pub fn of(f: LinkFeature) -> u32 {
        use LinkFeature::*;
        match f {
            UnknownSite => UNKNOWN_SITE,
            IpHost => IP_HOST,
            Apk => APK,
            Punycode => PUNYCODE,
            AbuseProneTld => ABUSE_TLD,
            Shortener => SHORTENER,
            NonDefaultPort => PORT,
            Userinfo => USERINFO,
            DeepSubdomain => DEEP_SUBDOMAIN,
            Redirect => REDIRECT,
            BrandLookalike => BRAND_LOOKALIKE,
            FreeHosting => FREE_HOSTING,
            RandomHost => RANDOM_HOST,
            NewTld => NEW_TLD,
            TokenPath => TOKEN_PATH,
            ManyLinks => MANY_LINKS,
            Disguised => DISGUISED,
            LureWords => LURE_WORDS,
        }
    }
}

/// Text points of the evidence model.
pub mod text {
    /// An institution's header (`【国税庁】`, `E-ZPass:`): the lure's borrowed authority.
    pub const INSTITUTION: u32 = 2;
}

/// Text points a recognised lure family adds next to a link.
pub mod family {
    use crate::signals::family::Family;

    /// A parcel, a toll or a tax: the stories most sent with a link, rarely told by a friend.
    pub const STORY: u32 = 3;
    /// An account locked or used by someone else: genuine security notices tell it too.
    pub const ACCOUNT: u32 = 1;
    /// Every other family (a prize, a bill, a job, an investment, a stranger's opener).
    pub const OTHER: u32 = 2;

    /// The text points a family adds next to a link.
    pub fn of(f: Family) -> u32 {
        match f {
            Family::Delivery | Family::Toll | Family::Tax => STORY,
            Family::Account => ACCOUNT,
            _ => OTHER,
        }
    }
}

/// Where the sums of link points `l`, text points `t` (rules and learned score), text points
/// from rules alone `t_rules`, pressure `p` and sender `s` hold or warn a message with a link.
pub mod link_verdict {
    /// The learned score counts towards a quarantine only at its top band ...
    pub const AGREED_MODEL_POINTS: u32 = 3;
    /// ... and beside this many rule-based text points of its own.
    pub const AGREED_RULE_POINTS: u32 = 2;
    /// Held: a link at least this risky ...
    pub const HOLD_LINK: u32 = 2;
    /// ... with at least this much text evidence ...
    pub const HOLD_LINK_TEXT: u32 = 2;
    /// ... and link, text and sender together at least this.
    pub const HOLD_SUM: u32 = 5;
    /// Held: any risky link beside this much pressure ...
    pub const HOLD_PRESSURE: u32 = 5;
    /// ... or this many rule-based text points.
    pub const HOLD_RULE_TEXT: u32 = 7;
    /// Held: a link this risky by itself ...
    pub const HOLD_RISKY_LINK: u32 = 4;
    /// ... with any rule-based text evidence.
    pub const HOLD_RISKY_LINK_TEXT: u32 = 1;
    /// Warned: a link this risky alone.
    pub const WARN_LINK: u32 = 2;
    /// Warned: any risky link with this much text evidence.
    pub const WARN_LINK_TEXT: u32 = 2;
    /// Warned: link, text and sender together at least this.
    pub const WARN_SUM: u32 = 4;
}

// Each hold rule asks for more than the warning it extends: a threshold edited on one side
// only would hold what is not even warned. Checked when the crate compiles.
const _: () = {
    assert!(link_verdict::HOLD_SUM > link_verdict::WARN_SUM);
    assert!(link_verdict::HOLD_LINK >= link_verdict::WARN_LINK);
    assert!(link_verdict::HOLD_RISKY_LINK > link_verdict::WARN_LINK);
    assert!(link_verdict::HOLD_RULE_TEXT > link_verdict::WARN_LINK_TEXT);
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::{family::Family, links::LinkFeature};

    #[test]
    fn every_feature_and_family_weighs_something() {
        for f in LinkFeature::ALL {
            assert!(link::of(f) >= 1, "{f:?} weighs nothing");
        }
        for f in Family::ALL {
            assert!(family::of(f) >= 1, "{f:?} weighs nothing");
        }
    }
}
