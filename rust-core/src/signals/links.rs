//! Link finding and link features.
//!
//! Smishing lives in its links, and attackers write them so that filters miss them: without a
//! scheme (`sbisec.co.jp.kakunin.info/x`), with a userinfo prefix that shows a brand before the
//! real host (`https://www.amazon.co.jp@amazon-check.shop/`), in punycode, behind an open
//! redirect (`google.com/url?q=…`). This module finds every link in normalised text and
//! describes each one with registry-free features; the classifier adds what needs the registry
//! (official or not, lookalike or not).
//!
//! A scheme-less host is a link only when it looks like one: chat glues words with a dot
//! (`wife.how`, `u.call`) and those end in real top-level domains too. The public-suffix list is
//! compiled in ([`crate::signals::suffix`]), so no lookup ever leaves the phone.

use crate::text::normalize::Normalized;
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// At most this many distinct links of one message are analysed; a message with more is
/// suspicious for that alone (no real SMS carries that many), and the bound keeps
/// classification time linear.
pub const MAX_LINKS: usize = 32;

/// [`extract`] stops after this many links (repeats included). Every link up to it is found,
/// so padding a message with official links cannot push a foreign one out of sight: the
/// classifier sees that there were more links than it analysed.
pub const MAX_FOUND: usize = 1024;

/// A risky feature a verdict names for a link: its catalog sentence and its weight in one
/// place, so that a new feature is a variant, a weight and a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkFeature {
    /// Neither a registered service's site nor a well-known one.
    UnknownSite,
    /// A bare IP address.
    IpHost,
    /// An app package download.
    Apk,
    /// An internationalised name.
    Punycode,
    /// An ending much used by phishing sites.
    #[serde(rename = "abuse-prone-tld")]
    AbuseProneTld,
    /// A link shortener.
    Shortener,
    /// A port other than the scheme's own.
    NonDefaultPort,
    /// A name before an `@` that hides the real host.
    Userinfo,
    /// Many subdomains.
    DeepSubdomain,
    /// A redirect to another site.
    Redirect,
    /// A name resembling a brand's domain.
    BrandLookalike,
    /// Free hosting or dynamic DNS.
    FreeHosting,
    /// A machine-made name.
    RandomHost,
    /// A cheap new ending.
    NewTld,
    /// A per-recipient tracking token.
    TokenPath,
    /// More links than a genuine SMS carries.
    ManyLinks,
    /// Written so that a reader or a filter does not see it as a link: its name in percent
    /// escapes, or `//host` with the scheme left out.
    Disguised,
    /// A name made of the words phishing sites are named with (`secure-verify-center`).
    LureWords,
}

impl LinkFeature {
    /// Its stable name (`abuse-prone-tld`), as serialised.
    pub fn as_str(self) -> &'static str {
        use LinkFeature::*;
        match self {
            UnknownSite => "unknown-site",
            IpHost => "ip-host",
            Apk => "apk",
            Punycode => "punycode",
            AbuseProneTld => "abuse-prone-tld",
            Shortener => "shortener",
            NonDefaultPort => "non-default-port",
            Userinfo => "userinfo",
            DeepSubdomain => "deep-subdomain",
            Redirect => "redirect",
            BrandLookalike => "brand-lookalike",
            FreeHosting => "free-hosting",
            RandomHost => "random-host",
            NewTld => "new-tld",
            TokenPath => "token-path",
            ManyLinks => "many-links",
            Disguised => "disguised",
            LureWords => "lure-words",
        }
    }

    /// The catalog entry that names it in a sentence (`feature.apk`).
    pub fn key(self) -> String {
        format!("feature.{}", self.as_str())
    }

    /// Every feature, for the catalog test.
    pub const ALL: [LinkFeature; 18] = [
        LinkFeature::UnknownSite,
        LinkFeature::IpHost,
        LinkFeature::Apk,
        LinkFeature::Punycode,
        LinkFeature::AbuseProneTld,
        LinkFeature::Shortener,
        LinkFeature::NonDefaultPort,
        LinkFeature::Userinfo,
        LinkFeature::DeepSubdomain,
        LinkFeature::Redirect,
        LinkFeature::BrandLookalike,
        LinkFeature::FreeHosting,
        LinkFeature::RandomHost,
        LinkFeature::NewTld,
        LinkFeature::TokenPath,
        LinkFeature::ManyLinks,
        LinkFeature::Disguised,
        LinkFeature::LureWords,
    ];
}

/// Registry-free features of one link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Features {
    /// A generic URL shortener: the real target is hidden.
    pub shortener: bool,
    /// The host is a raw IP address.
    pub ip_host: bool,
    /// A port other than the scheme's default.
    pub port: bool,
    /// An IDN host (punycode or non-ASCII letters).
    pub punycode: bool,
    /// The TLD is on the abuse-prone list ([`ABUSE_TLDS`]).
    pub abuse_tld: bool,
    /// Labels left of the registrable domain (`a.b.example.com` → 2).
    pub subdomain_depth: u8,
    /// A `user@` part hides the real host behind a familiar name.
    pub userinfo: bool,
    /// The path downloads an Android package.
    pub apk: bool,
    /// Plain `http://` (no TLS).
    pub insecure: bool,
    /// The link sits behind a redirector; the target is judged instead.
    pub redirect: bool,
    /// The host sits on dynamic DNS or free hosting ([`FREE_HOSTS`]: `duckdns.org`, `web.app`,
    /// `pages.dev`, `blogspot.com`), where anyone gets a name in seconds and no brand sends its
    /// customers.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub free_hosting: bool,
    /// A label of the host reads as machine-made (`r2s9hq82ne`, `lxhtwb`): throwaway domains.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub random_host: bool,
    /// A top-level domain from the 2013– generic expansion (`.directory`, `.cricket`) rather
    /// than a country code or one of the original generic TLDs.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub new_tld: bool,
    /// The path is a campaign token: one segment of letters in both cases mixed with digits
    /// (`/yF70SNqOKV`), the id a bulk sender or a shortener gives each recipient.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub token_path: bool,
    /// Written to be missed: the host in percent escapes (`%61mazon.%63om`, which a browser
    /// decodes) or a protocol-relative `//host/path`. No sender who wants a link opened hides
    /// it from the reader.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub disguised: bool,
    /// The registrable label is two or more of the words phishing names are built from,
    /// joined by hyphens or run together (`secure-verify-center`, `kakunin-support`), with no
    /// other word: see [`lure_word_name`].
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lure_words: bool,
    /// Anyone's page on a big platform (a form, a shared file, a chat invite: see
    /// [`USER_CONTENT`]): nobody's official link, and free hosting inside a lure.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub user_content: bool,
}

/// One link found in a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The link as written in the normalised text.
    pub text: String,
    /// The scheme when one was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The host, ASCII (punycode) and lowercase.
    pub host: String,
    /// The host in Unicode, when it differs from `host`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_unicode: Option<String>,
    /// The registrable domain (public suffix + one label), when the host has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The path, query and fragment as written.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// Registry-free features.
    pub features: Features,
    /// Where a redirector sends the reader: the link that is judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Box<Link>>,
    /// Byte range of the link in the normalised text.
    #[serde(skip)]
    pub span: (usize, usize),
}

impl Link {
    /// The link that is judged: the innermost redirect target, or the link itself.
    pub fn effective(&self) -> &Link {
        let mut l = self;
        while let Some(t) = &l.target {
            l = t;
        }
        l
    }

    /// True if written without a scheme (`Bol.com`, `example.com/x`).
    pub fn scheme_less(&self) -> bool {
        self.scheme.is_none()
    }
}

/// Generic URL shorteners (brands' own shorteners such as `amzn.to` are listed as official
/// domains in the registry instead). Curated from the shorteners seen in public smishing
/// reports (phishing-URL feeds, フィッシング対策協議会 alerts) and the common public services.
pub const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "bitly.ws",
    "tinyurl.com",
    "goo.gl",
    "ow.ly",
    "is.gd",
    "v.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "t.ly",
    "rb.gy",
    "tiny.cc",
    "s.id",
    "bit.do",
    "qr.ae",
    "x.gd",
    "u.to",
    "lnkd.in",
    "shorturl.asia",
    "urlz.fr",
    "soo.gd",
    "tiny.one",
    "clck.ru",
    "bl.ink",
    "han.gl",
    "me2.do",
    "vo.la",
    "gg.gg",
    "cli.re",
    "reurl.cc",
    "lihi.cc",
    "lihi1.com",
    "lihi2.com",
    "x.co",
    "kutt.it",
    "t.co",
    "shorturl.com",
    "smsg.io",
    "snip.ly",
    "urlshortener.io",
    "short.gy",
    "shrtco.de",
    "bom.so",
    "tny.im",
    "qrco.de",
    "surl.li",
    "ln.run",
    "tinu.be",
    "1url.com",
    "2u.pw",
    "cutt.us",
    "linkr.it",
    "dub.sh",
];

/// Ordinary sites people share with each other that are not in the brand registry. A link
/// elsewhere (not official, not here) counts as an unknown site: a small risk on its own.
pub const WELL_KNOWN: &[&str] = &[
    "zoom.us",
    "x.com",
    "twitter.com",
    "github.com",
    "gitlab.com",
    "wikipedia.org",
    "tabelog.com",
    "linkedin.com",
    "spotify.com",
    "reddit.com",
    "twitch.tv",
    "tiktok.com",
    "note.com",
    "ameblo.jp",
    "cookpad.com",
    "pixiv.net",
    "nicovideo.jp",
    "yelp.com",
    "tripadvisor.com",
    "airbnb.com",
    "eventbrite.com",
    "meetup.com",
    "calendly.com",
    "notion.so",
    "figma.com",
    "slack.com",
    "medium.com",
    "nytimes.com",
    "bbc.co.uk",
    "bbc.com",
    "nhk.or.jp",
    "wikimedia.org",
    "stackoverflow.com",
    "hotpepper.jp",
    "jalan.net",
    "gurunavi.com",
    "retty.me",
    "ikyu.com",
    "timeout.com",
    "imdb.com",
    "goodreads.com",
    "substack.com",
    "zenn.dev",
    "qiita.com",
    "connpass.com",
    "peatix.com",
    "doorkeeper.jp",
    "zoom.com",
    "webex.com",
    "teams.live.com",
    "discord.com",
    "discord.gg",
    "vimeo.com",
    "soundcloud.com",
    "bandcamp.com",
    "weather.com",
    "tenki.jp",
    "jorudan.co.jp",
    "navitime.co.jp",
    "opentable.com",
    "resy.com",
];

/// Top-level domains over-represented in phishing, from Spamhaus' "most abused TLDs" tables and
/// Interisle's Phishing Landscape reports (2023–2025). Being here is a weak signal on its own.
pub const ABUSE_TLDS: &[&str] = &[
    "top",
    "xyz",
    "shop",
    "icu",
    "buzz",
    "cc",
    "club",
    "online",
    "site",
    "vip",
    "live",
    "sbs",
    "cfd",
    "bond",
    "win",
    "rest",
    "lol",
    "click",
    "link",
    "support",
    "help",
    "cyou",
    "monster",
    "work",
    "quest",
    "life",
    "pw",
    "tk",
    "ml",
    "ga",
    "cf",
    "gq",
    "fun",
    "store",
    "info",
    "today",
    "wang",
    "cn",
    "ru",
    "su",
    "best",
    "bar",
    "space",
    "website",
    "tech",
    "email",
    "host",
    "uno",
    "ink",
    "men",
    "loan",
    "xin",
    "asia",
    "mobi",
    "biz",
    "pro",
    "world",
    "fit",
    "cam",
    "gdn",
    "kim",
    "date",
    "racing",
    "review",
    "stream",
    "download",
    "accountant",
    "country",
    "science",
    "party",
    "trade",
    "webcam",
    "cricket",
    "faith",
    "zip",
    "mov",
    "lat",
    "autos",
    "boats",
    "hair",
    "skin",
    "makeup",
    "beauty",
    "qpon",
    "locker",
    "ws",
    "vn",
    "sa.com",
    "net.cn",
    "com.cn",
];

/// A path that is one short segment mixing upper case, lower case and digits: `/yF70SNqOKV`,
/// `/G21s2n0`. Readable paths (`/appt/brightsmile`, `/2025/04/01/`) are not.
fn is_token_path(path: &str) -> bool {
    let p = path.split(['?', '#']).next().unwrap_or("");
    let segs: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    let Some(last) = segs.last() else {
        return false;
    };
    let b = last.as_bytes();
    segs.len() <= 2
        && (5..=16).contains(&b.len())
        && b.iter().all(u8::is_ascii_alphanumeric)
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && (b.iter().any(u8::is_ascii_digit) || !reads_as_words(last))
}

/// Does a mixed-case run of letters read as words run together (`MyAccount`, `iPhone`,
/// `LinkedIn`)? Cut at each capital, every piece has a vowel and at most one piece is a lone
/// capital; random tokens (`ZOKNSJFtJT`, `rvirONcqBD`, `BmzxcMn`) break one of the two.
fn reads_as_words(seg: &str) -> bool {
    let mut pieces: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, c) in seg.char_indices() {
        if c.is_ascii_uppercase() && i > start {
            pieces.push(&seg[start..i]);
            start = i;
        }
    }
    pieces.push(&seg[start..]);
    let lone = pieces.iter().filter(|p| p.len() == 1).count();
    let voiceless = pieces
        .iter()
        .any(|p| p.len() >= 2 && !p.bytes().any(|b| b"aeiouyAEIOUY".contains(&b)));
    lone <= 1 && !voiceless
}

/// Is `host` under a [`suffix::RESTRICTED`](crate::signals::suffix::RESTRICTED) suffix?
pub fn is_restricted_host(host: &str) -> bool {
    crate::signals::suffix::RESTRICTED
        .iter()
        .any(|r| is_subdomain_of(host, r.suffix))
}

/// Is `host` a subdomain of `suffix` (`a.example.com` of `example.com`; neither
/// `example.com` itself nor `badexample.com`)?
pub fn is_subdomain_of(host: &str, suffix: &str) -> bool {
    host.len() > suffix.len()
        && host.ends_with(suffix)
        && host.as_bytes()[host.len() - suffix.len() - 1] == b'.'
}

/// Dynamic-DNS and free-hosting suffixes: names anyone can take in seconds, for free, under a
/// shared suffix. Most are in the public-suffix list's private section (so the registrable
/// domain is the user's subdomain); a few shared-storage hosts are not. Curated from the
/// hosting services named in public phishing reports (APWG and Interisle's Phishing Landscape
/// reports, フィッシング対策協議会 alerts, "Phishing websites hosted on free web hosting
/// domains", 2023) rather than the whole private section, which also lists companies' own
/// platforms (a blog service, a university).
pub const FREE_HOSTS: &[&str] = &[
    // Dynamic DNS.
    "duckdns.org",
    "ddns.net",
    "no-ip.org",
    "no-ip.biz",
    "no-ip.info",
    "hopto.org",
    "zapto.org",
    "sytes.net",
    "servehttp.com",
    "serveftp.com",
    "myftp.org",
    "myftp.biz",
    "redirectme.net",
    "dynv6.net",
    "dynu.net",
    "freeddns.org",
    "ddnsfree.com",
    "ddns.me",
    "dyndns.org",
    "mooo.com",
    "afraid.org",
    "publicvm.com",
    "linkpc.net",
    "ngrok.io",
    "ngrok-free.app",
    "trycloudflare.com",
    "loca.lt",
    // Free web hosting and app platforms.
    "web.app",
    "firebaseapp.com",
    "pages.dev",
    "workers.dev",
    "r2.dev",
    "vercel.app",
    "netlify.app",
    "glitch.me",
    "repl.co",
    "replit.app",
    "onrender.com",
    "herokuapp.com",
    "fly.dev",
    "github.io",
    "gitbook.io",
    "blogspot.com",
    "weebly.com",
    "weeblysite.com",
    "wixsite.com",
    "square.site",
    "webflow.io",
    "godaddysites.com",
    "mystrikingly.com",
    "000webhostapp.com",
    "hyperphp.com",
    "epizy.com",
    "rf.gd",
    "infinityfreeapp.com",
    "azurewebsites.net",
    "blob.core.windows.net",
    "web.core.windows.net",
    "storage.googleapis.com",
    "appspot.com",
    "s3.amazonaws.com",
    "amplifyapp.com",
    "ipfs.io",
    "dweb.link",
    "framer.app",
    "carrd.co",
    "jimdofree.com",
    "wordpress.com",
    "tistory.com",
];

/// Sites of big platforms where anyone publishes under the platform's name: forms, file shares,
/// site builders, link pages and messenger invites. A link there is somebody's content, not the
/// platform's voice, so it never proves a claim (not even the platform's own), and in a lure it
/// counts as free hosting does. A host here or any host under it.
pub const USER_CONTENT: &[&str] = &[
    // Google Forms, Docs, Drive, Sites, Apps Script: anyone's forms, files and pages
    // (support.google.com/docs, support.google.com/drive, support.google.com/sites).
    "forms.gle",
    "docs.google.com",
    "drive.google.com",
    "sites.google.com",
    "script.google.com",
    // Microsoft Forms, SharePoint and OneDrive shares, Sway pages
    // (support.microsoft.com: Microsoft Forms, OneDrive sharing, Sway).
    "forms.office.com",
    "forms.cloud.microsoft",
    "sharepoint.com",
    "1drv.ms",
    "onedrive.live.com",
    "sway.office.com",
    "sway.cloud.microsoft",
    // Dropbox shared files (help.dropbox.com: share files and folders).
    "dropbox.com",
    "dropboxusercontent.com",
    "db.tt",
    // Page and form builders (notion.com/help: publish to the web; canva.com/help: websites;
    // linktr.ee; jotform.com; typeform.com).
    "notion.site",
    "canva.site",
    "my.canva.site",
    "linktr.ee",
    "jotform.com",
    "typeform.com",
    // Messenger deep links to anyone's chat, group or account (faq.whatsapp.com: click to chat
    // and group invites; telegram.org/faq: t.me links; LINE's line.me/ti/p and lin.ee
    // friend links; Messenger's m.me; Viber's invite links).
    "wa.me",
    "chat.whatsapp.com",
    "t.me",
    "telegram.me",
    "line.me",
    "lin.ee",
    "m.me",
    "invite.viber.com",
];

/// Is `host` one of [`USER_CONTENT`] or under one?
pub fn is_user_content(host: &str) -> bool {
    USER_CONTENT
        .iter()
        .any(|d| host == *d || is_subdomain_of(host, d))
}

fn is_free_host(host: &str) -> bool {
    FREE_HOSTS.iter().any(|f| {
        // The host itself for path-hosted storage (`storage.googleapis.com/bucket/…`).
        host == *f || is_subdomain_of(host, f)
    })
}

/// The generic TLDs that predate the 2013 expansion; with the two-letter country codes they are
/// the ones ordinary businesses use. Anything else is a "new" gTLD: cheap, and over-represented
/// in throwaway smishing domains.
const LEGACY_TLDS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "aero", "coop",
    "museum", "mobi", "asia", "tel", "travel", "jobs", "cat", "arpa",
];

/// Does a host label read as machine-made? Throwaway domains are generated: long runs of
/// consonants (`lxhtwb`, `mmnrxeqmcv`) or letters and digits shuffled together (`r2s9hq82ne`,
/// `kh5niapbp4`). Words, brand names and ordinary abbreviations (`www`, `smbc`, `jp`) are short
/// or have vowels; a label must be at least six characters to be judged at all.
pub fn looks_random(label: &str) -> bool {
    let b = label.as_bytes();
    if b.len() < 6 || b.starts_with(b"xn--") || !b.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let digits = b.len() - letters;
    let vowels = b.iter().filter(|&&c| vowel(c)).count();
    // Letters and digits alternating several times: `r2s9hq82ne`, not `web3` or `24hours`.
    let switches = b
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count();
    if digits >= 2 && letters >= 3 && switches >= 3 {
        return true;
    }
    let mut run = 0;
    let mut longest = 0;
    for &c in b {
        if c.is_ascii_alphabetic() && !vowel(c) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    letters >= 6 && (longest >= 5 || vowels * 6 < letters)
}

/// Words phishing domains are named with (English and romanised Japanese): the actions a lure
/// asks for and the departments it pretends to be. [`lure_word_name`] reads a name made of
/// these alone; a brand's own name is never one of them.
const LURE_WORDS: &[&str] = &[
    "secure",
    "security",
    "verify",
    "verification",
    "verified",
    "check",
    "confirm",
    "confirmation",
    "update",
    "updates",
    "support",
    "center",
    "centre",
    "help",
    "helpdesk",
    "account",
    "accounts",
    "login",
    "signin",
    "auth",
    "authentication",
    "online",
    "portal",
    "info",
    "notice",
    "alert",
    "alerts",
    "safe",
    "safety",
    "protect",
    "protection",
    "billing",
    "payment",
    "pay",
    "refund",
    "reward",
    "rewards",
    "claim",
    "delivery",
    "redelivery",
    "track",
    "tracking",
    "parcel",
    "package",
    "customer",
    "care",
    "service",
    "services",
    "id",
    "my",
    "web",
    "app",
    "mobile",
    "member",
    "members",
    "official",
    "recovery",
    "restore",
    "unlock",
    "validate",
    "validation",
    "review",
    "resolve",
    "access",
    "manage",
    "status",
    "notify",
    "notification",
    "page",
    "mypage",
    "jp",
    "japan",
    "kakunin",
    "kakuninn",
    "shien",
    "sapoto",
    "toiawase",
    "anzen",
    "teishi",
    "teisi",
    "seikyu",
    "mibarai",
    "henkin",
    "kyufu",
    "tetsuzuki",
    "touroku",
    "nintei",
    "honnin",
    "riyou",
    "sec",
    "fix",
    "now",
];

/// The words of [`LURE_WORDS`] that make a name a lure's: a name of only fillers (`my-web-app`,
/// `online-info`) is anyone's.
const LURE_CORE: &[&str] = &[
    "secure",
    "security",
    "verify",
    "verification",
    "verified",
    "check",
    "confirm",
    "confirmation",
    "update",
    "updates",
    "login",
    "signin",
    "auth",
    "authentication",
    "billing",
    "refund",
    "recovery",
    "restore",
    "unlock",
    "validate",
    "validation",
    "resolve",
    "redelivery",
    "kakunin",
    "kakuninn",
    "shien",
    "teishi",
    "teisi",
    "seikyu",
    "mibarai",
    "henkin",
    "kyufu",
    "tetsuzuki",
    "nintei",
    "honnin",
    "protect",
    "protection",
];

/// Is this registrable label made only of [`LURE_WORDS`] (hyphenated or run together), at least
/// two of them and one a [`LURE_CORE`] word (`secure-verify-center`, `mypagecheck`,
/// `kakunin-jp`)? Digits between words are allowed (`verify24-support`).
pub fn lure_word_name(label: &str) -> bool {
    if label.len() > 63 || !label.is_ascii() {
        return false;
    }
    let (mut words, mut core) = (0, false);
    for part in label.split('-').filter(|p| !p.is_empty()) {
        let letters = part.trim_matches(|c: char| c.is_ascii_digit());
        if letters.is_empty() {
            continue;
        }
        match segment(letters) {
            Some((n, c)) => {
                words += n;
                core |= c;
            }
            None => return false,
        }
    }
    words >= 2 && core
}

/// Split `s` into [`LURE_WORDS`] with the fewest words: (how many, whether one is core).
fn segment(s: &str) -> Option<(usize, bool)> {
    let n = s.len();
    // best[i]: the fewest words covering s[..i], and whether a core word is among them.
    let mut best: Vec<Option<(usize, bool)>> = vec![None; n + 1];
    best[0] = Some((0, false));
    for i in 0..n {
        let Some((k, c)) = best[i] else { continue };
        for w in LURE_WORDS {
            if s[i..].starts_with(w) {
                let j = i + w.len();
                let cand = (k + 1, c || LURE_CORE.contains(w));
                if best[j].is_none_or(|b| cand.0 < b.0 || (cand.0 == b.0 && cand.1 && !b.1)) {
                    best[j] = Some(cand);
                }
            }
        }
    }
    best[n]
}

/// TLDs common enough that a scheme-less host ending in one is read as a link.
const COMMON_TLDS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "io", "co", "me", "us", "uk", "de", "fr", "it", "es", "nl",
    "be", "ch", "at", "se", "no", "dk", "fi", "pl", "cz", "ua", "jp", "kr", "tw", "hk", "sg", "in",
    "id", "th", "vn", "ph", "my", "au", "nz", "ca", "br", "mx", "ar", "eu", "ly", "tv", "ai",
    "app", "dev", "gl", "gd", "gy", "ne", "ac", "go", "or", "ad", "ed", "gr", "lg",
];

/// Query parameters that commonly carry a redirect target (open redirects on real sites use
/// all of these). A parameter outside the list whose value is an absolute URL is followed too:
/// the list only decides which one is judged first.
const REDIRECT_PARAMS: &[&str] = &[
    "q",
    "url",
    "u",
    "uddg",
    "to",
    "target",
    "dest",
    "destination",
    "redirect",
    "redirect_uri",
    "redirect_url",
    "redirecturl",
    "redirect_to",
    "redir",
    "r",
    "link",
    "continue",
    "next",
    "goto",
    "out",
    "z",
    "adurl",
    "location",
    "return",
    "returnto",
    "return_to",
    "returnurl",
    "return_url",
    "forward",
    "jump",
];

/// Build the link matchers now rather than at the first message (see [`crate::warm_up`]).
pub(crate) fn warm() {
    link_regex();
    ip_regex();
}

fn link_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Host characters: ASCII letters/digits/hyphen plus Latin-1..Latin Extended, Greek and
        // Cyrillic letters (homoglyph attacks). CJK is left out on purpose: Japanese text glues
        // onto links without a space (`https://x.top/aからログイン`).
        let hc = r"a-z0-9\u{00C0}-\u{024F}\u{0370}-\u{03FF}\u{0400}-\u{04FF}";
        let pattern = format!(
            r"(?x)
            (?P<scheme>(?:https?|ftp)(?::(?://?/?|\\\\)|\ ?:?\ ?//)[{hc}\-._~%!$&'*+,;=:@\[\]]+(?:[/?\#\\][!-~]*)?)
            |
            (?P<bare>
                (?:[a-z0-9._%+\-]+@)?
                (?:[{hc}](?:[{hc}\-]{{0,62}}[{hc}])?\.)+
                (?:[a-z\u{{00C0}}-\u{{024F}}\u{{0370}}-\u{{03FF}}\u{{0400}}-\u{{04FF}}][{hc}\-]{{0,62}}[{hc}]|xn--[a-z0-9\-]+)
                (?::[0-9]{{1,5}})?
                (?:[/?\#][!-~]*)?
            )
            |
            (?P<ip>[0-9]{{1,3}}(?:\.[0-9]{{1,3}}){{3}}(?::[0-9]{{1,5}})?(?:/[!-~]*)?)
            "
        );
        Regex::new(&pattern).expect("link regex compiles")
    })
}

fn ip_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]{1,5})?(?:/[!-~]*)?$")
            .expect("ip regex")
    })
}

/// Find every link in normalised text (at most [`MAX_FOUND`]).
pub fn extract(text: &Normalized) -> Vec<Link> {
    let folded = text.folded.as_str();
    // Fast path: no dot, no link.
    if !folded.contains('.') && !folded.contains("://") {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Where a link joined over a space ends: the pieces after the space are not links again.
    let mut joined_until = 0;
    // `find_iter` (not captures) keeps the fast engines; which alternative matched is read
    // back from the match itself.
    for m in link_regex().find_iter(folded) {
        if out.len() >= MAX_FOUND {
            break;
        }
        if m.start() < joined_until {
            continue;
        }
        let g = m;
        let before = folded[..m.start()].chars().next_back();
        let t = m.as_str();
        let is_scheme = t.starts_with("http") || t.starts_with("ftp");
        let is_ip = !is_scheme && ip_regex().is_match(t);
        if is_scheme {
            let (s, e) = trim_trailing(folded, g.start(), g.end());
            let joined = join_split_host(folded, s, e);
            let e = joined.unwrap_or(e);
            joined_until = joined.unwrap_or(joined_until);
            // `http:/host`, `http:///host`, `http:\\host`: browsers repair these, so do we.
            // `http //host` and `http//host` too: the colon is what a screenshot read back by
            // OCR loses most often, and what a sender dodging a link filter leaves out.
            let (f, c) = (
                repair_scheme(&squeeze(&folded[s..e], joined.is_some())),
                repair_scheme(&squeeze(&text.clean[s..e], joined.is_some())),
            );
            // `https:/30859---::http://194.87.140.6#x.php`: a broken scheme run on into a whole
            // link; the last scheme inside is the link.
            let parsed = parse_absolute(&f, &c, 0).or_else(|| {
                let inner = f.get(4..)?.rfind("http")? + 4;
                parse_absolute(&f[inner..], c.get(inner..)?, 0)
            });
            if let Some(mut link) = parsed {
                link.text = text.clean[s..e].to_string();
                link.span = (s, e);
                out.push(link);
            }
        } else if !is_ip {
            let (s, e) = trim_trailing(folded, g.start(), g.end());
            // `//host/path`: a browser opens it as a link on the page's scheme; in a message
            // it is a link with its scheme left out to slip past filters.
            if protocol_relative(folded, g.start()) {
                if let Some(mut link) =
                    parse_absolute(&format!("http://{}", &folded[s..e]), &text.clean[s..e], 0)
                {
                    link.scheme = None;
                    link.text = text.clean[s - 2..e].to_string();
                    link.span = (s - 2, e);
                    link.features.disguised = true;
                    link.features.insecure = false;
                    out.push(link);
                }
                continue;
            }
            // `@host #code` (origin-bound code line) and `user@host` (e-mail) are not links.
            if matches!(before, Some('@') | Some('#') | Some('/') | Some('\\')) {
                continue;
            }
            if let Some(mut link) = parse_bare(&folded[s..e], &text.clean[s..e]) {
                link.span = (s, e);
                out.push(link);
            }
        } else {
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
                continue;
            }
            let (s, e) = trim_trailing(folded, g.start(), g.end());
            let raw = &folded[s..e];
            // `IP: 104.28.42.75` in a login notice is not a link: only with a port or a path.
            if !raw.contains(':') && !raw.contains('/') {
                continue;
            }
            if let Some(link) = parse_absolute(&format!("http://{raw}"), &text.clean[s..e], 0) {
                let mut link = link;
                link.scheme = None;
                link.text = text.clean[s..e].to_string();
                link.span = (s, e);
                out.push(link);
            }
        }
    }
    app_links(text, &mut out);
    out
}

/// Messenger deep links (`whatsapp://chat/?code=…`, `tg://resolve?domain=…`, `line://ti/p/…`)
/// open a chat or a group in the app as its web link does: each is read as that web link
/// (`chat.whatsapp.com/…`, `t.me/…`, `line.me/…`), so that it is judged as one.
fn app_links(text: &Normalized, out: &mut Vec<Link>) {
    const APPS: &[(&str, &str)] = &[
        ("whatsapp://", "https://wa.me/"),
        ("tg://", "https://t.me/"),
        ("line://", "https://line.me/R/"),
        ("viber://", "https://invite.viber.com/"),
    ];
    let folded = text.folded.as_str();
    if !folded.contains("://") {
        return;
    }
    for (scheme, web) in APPS {
        for (s, _) in folded.match_indices(scheme) {
            if out.len() >= MAX_FOUND || folded[..s].ends_with(|c: char| c.is_ascii_alphanumeric())
            {
                continue;
            }
            let run = folded[s..]
                .find(|c: char| !c.is_ascii_graphic())
                .map_or(folded.len(), |n| s + n);
            let (_, e) = trim_trailing(folded, s, run);
            let rest = &folded[s + scheme.len()..e];
            let url = match *scheme {
                "whatsapp://" if rest.starts_with("chat") => {
                    let code = rest.rsplit(['=', '/']).next().unwrap_or("");
                    format!("https://chat.whatsapp.com/{code}")
                }
                "tg://" if rest.starts_with("resolve") => {
                    let name = rest.rsplit('=').next().unwrap_or("");
                    format!("https://t.me/{name}")
                }
                _ => format!("{web}{rest}"),
            };
            if let Some(mut link) = parse_absolute(&url, &url, 0) {
                link.scheme = Some(scheme.trim_end_matches("://").to_string());
                link.text = text.clean[s..e].to_string();
                link.span = (s, e);
                out.push(link);
            }
        }
    }
}

/// Does the match at `start` follow a `//` that opens a link of its own (`…ください。//host/x`,
/// `visit //host`), not one inside a path or after a scheme?
fn protocol_relative(folded: &str, start: usize) -> bool {
    let Some(head) = folded[..start].strip_suffix("//") else {
        return false;
    };
    // `> ://lnkd.in/x`: the scheme's name cut off, its colon left.
    let head = head.strip_suffix(':').unwrap_or(head);
    head.chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || !c.is_ascii() || "([<>\"'".contains(c))
}

/// A host split by a space: screenshots read back by OCR and senders dodging filters write
/// `http://x.duckdns .org`, `http://www .example.co.jp`, `http://x.duckdns.or g`. When the
/// link so far has no path and its host does not end in a known suffix (or has no dot at
/// all), the next word is joined if it continues the host (`.org`, `.example.co.jp`, `g`
/// completing `or`) and the whole then ends in a known suffix. Returns the new end.
fn join_split_host(folded: &str, s: usize, e: usize) -> Option<usize> {
    let link = &folded[s..e];
    let rest = after_scheme(link).1;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return None;
    }
    let known = |h: &str| h.contains('.') && !h.ends_with('.') && crate::signals::suffix::known(h);
    if known(rest) {
        return None;
    }
    let after = &folded[e..];
    let gap = after.len() - after.trim_start_matches(' ').len();
    if gap == 0 || gap > 2 {
        return None;
    }
    let word_len = after[gap..]
        .find(|c: char| !(c.is_ascii_graphic()))
        .unwrap_or(after.len() - gap);
    let word = &after[gap..gap + word_len];
    let host_part = word.split(['/', '?', '#']).next().unwrap_or("");
    if host_part.is_empty()
        || !host_part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return None;
    }
    let continues = host_part.starts_with('.') || rest.ends_with('.') || {
        // `or` + `g`: the last label is not a suffix and the two make one.
        let last = rest.rsplit('.').next().unwrap_or("");
        rest.contains('.') && !host_part.contains('.') && host_part.len() <= 3 && !last.is_empty()
    };
    let joined = format!("{rest}{host_part}");
    let joined = joined.trim_end_matches('.');
    (continues && known(joined)).then_some(e + gap + trim_trailing(word, 0, word.len()).1)
}

/// A link joined over a space, without its spaces; any other link as it is.
fn squeeze(t: &str, joined: bool) -> std::borrow::Cow<'_, str> {
    if joined {
        t.split_whitespace().collect::<String>().into()
    } else {
        t.into()
    }
}

/// A scheme match split into its scheme word and the rest after the colon, spaces and
/// slashes, however many of each were written (`http://`, `http:/`, `http //`, `http//`).
fn after_scheme(s: &str) -> (&str, &str) {
    let n = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (scheme, rest) = s.split_at(n);
    (scheme, rest.trim_start_matches([' ', ':', '/', '\\']))
}

fn repair_scheme(s: &str) -> String {
    let (scheme, rest) = after_scheme(s);
    let scheme = if scheme.is_empty() { "http" } else { scheme };
    format!("{scheme}://{rest}")
}

/// Trailing punctuation belongs to the sentence, not the link; an unbalanced closing bracket too.
fn trim_trailing(s: &str, start: usize, mut end: usize) -> (usize, usize) {
    let seg = &s[start..end];
    let (mut open_p, mut close_p) = (seg.matches('(').count(), seg.matches(')').count());
    let (mut open_b, mut close_b) = (seg.matches('[').count(), seg.matches(']').count());
    while let Some(c) = s[start..end].chars().next_back() {
        let strip = match c {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '*' | '`' => true,
            ')' => open_p < close_p,
            ']' => open_b < close_b,
            '}' | '>' => true,
            _ => false,
        };
        if !strip {
            break;
        }
        match c {
            ')' => close_p -= 1,
            ']' => close_b -= 1,
            '(' => open_p -= 1,
            '[' => open_b -= 1,
            _ => {}
        }
        end -= c.len_utf8();
    }
    (start, end)
}

/// Parse a scheme-less candidate and decide whether it is a link at all.
fn parse_bare(folded: &str, clean: &str) -> Option<Link> {
    let (userinfo, rest) = match folded.find('@') {
        Some(at) => (Some(&folded[..at]), &folded[at + 1..]),
        None => (None, folded),
    };
    let has_path = rest.contains(['/', '?', '#']);
    // `name@example.com` is an e-mail address; `www.brand.com@evil.shop/x` is the userinfo trick.
    if userinfo.is_some() && !has_path {
        return None;
    }
    let mut link = parse_absolute(&format!("http://{folded}"), clean, 0)?;
    link.scheme = None;
    link.text = clean.to_string();
    let domain = link.domain.as_deref()?;
    let tld = domain.rsplit('.').next().unwrap_or("");
    let label = domain.split('.').next().unwrap_or("");
    let www = link.host.starts_with("www.");
    let hyphen_or_digit = label.contains('-') || label.bytes().any(|b| b.is_ascii_digit());
    let tld_ok = COMMON_TLDS.contains(&tld)
        || ABUSE_TLDS.contains(&tld)
        || is_abuse_suffix(domain)
        || link.host.starts_with("xn--")
        || tld.starts_with("xn--");
    let has_port = link.features.port;
    // `so tired.lol`, `can you help.me`, `ok.now coming`: chat without a space after a full
    // stop joins two words, and the second is a real ending. Nothing else there says link (no
    // scheme, `www.`, path, port or hyphen), and both halves are everyday chat words.
    let plain = !(has_path || www || has_port || hyphen_or_digit || userinfo.is_some());
    if plain && link.host == domain && is_chat_join(label, tld) {
        return None;
    }
    let accepted = has_path || www || hyphen_or_digit || tld_ok || has_port || userinfo.is_some();
    // A file name such as `report.pdf` has no known suffix and never gets here; `ver2.0` never
    // matches the pattern. Anything accepted must have a known public suffix.
    accepted.then_some(link)
}

/// Everyday chat words that are also, or sit before, a top-level domain (`lol`, `now`, `fun`,
/// `me`): two of them joined by a dot are a sentence typed without a space.
const CHAT_WORDS: &[&str] = &[
    "ok", "okay", "so", "tired", "go", "me", "you", "u", "it", "this", "that", "now", "here",
    "there", "home", "time", "fun", "lol", "yes", "no", "yeah", "yep", "nope", "sure", "thanks",
    "thx", "pls", "please", "sorry", "done", "soon", "later", "tomorrow", "tmrw", "today",
    "tonight", "late", "help", "work", "school", "bed", "sleep", "food", "lunch", "dinner",
    "coming", "come", "going", "back", "out", "up", "in", "on", "off", "again", "too", "well",
    "good", "great", "nice", "cool", "fine", "bad", "hi", "hey", "hello", "bye", "night",
    "morning", "love", "miss", "mum", "mom", "dad", "bro", "babe", "dear", "guys", "all", "haha",
    "wait", "boring", "busy", "ready", "sad", "happy", "hungry", "already", "yet", "still",
    "really", "much", "more", "week", "weekend", "day", "car", "bus", "train", "class", "party",
    "movie", "game", "tea", "coffee", "lets", "let", "we", "i", "im", "am", "is", "be", "do",
    "did", "see", "ya", "yo", "omg", "wow", "btw", "idk", "tbh", "cant", "dont", "wont", "its",
    "got", "get", "told", "said", "asap", "later", "asleep", "life", "news", "run", "live", "link",
    "mine", "yours", "ours", "one", "two", "sis", "kids",
];

/// `tired.lol`: a chat word joined by a dot to a chat word that is a top-level domain.
fn is_chat_join(label: &str, tld: &str) -> bool {
    CHAT_WORDS.contains(&label) && CHAT_WORDS.contains(&tld)
}

fn is_abuse_suffix(domain: &str) -> bool {
    ABUSE_TLDS.iter().any(|t| {
        t.contains('.') && domain.ends_with(t) && domain[..domain.len() - t.len()].ends_with('.')
    })
}

/// Parse an absolute URL (scheme present). `depth` bounds redirect unwrapping.
fn parse_absolute(folded: &str, clean: &str, depth: u8) -> Option<Link> {
    let (scheme, rest) = folded.split_once("://")?;
    let auth_end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    let path_folded = &rest[auth_end..];
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let (host_raw, port) = split_port(hostport);
    // A browser decodes percent escapes in a host (`%61mazon.%63om` opens amazon.com); no
    // sender writes them but to hide the name from a reader or a filter.
    let decoded;
    let (host_raw, escaped) = if host_raw.contains('%') {
        decoded = percent_decode(host_raw).to_lowercase();
        (decoded.as_str(), true)
    } else {
        (host_raw, false)
    };
    let host_raw = host_raw.trim_end_matches('.');
    if host_raw.is_empty() || (escaped && host_raw.contains(['%', '/', '@', ':', ' '])) {
        return None;
    }
    let mut features = Features {
        userinfo: userinfo.is_some_and(|u| !u.is_empty()),
        insecure: scheme == "http",
        disguised: escaped,
        ..Features::default()
    };
    if let Some(p) = port {
        let default = matches!((scheme, p), ("http", 80) | ("https", 443) | ("ftp", 21));
        features.port = !default;
    }
    // No DNS name is longer than 253 bytes; a longer "host" reaches no site.
    if host_raw.len() > 253 {
        return None;
    }
    let (host, host_unicode, ip) = host_forms(host_raw)?;
    features.ip_host = ip;
    let domain = if ip {
        None
    } else {
        // One lookup for both answers: a host on no known suffix reaches no site.
        let split = crate::signals::suffix::split(&host).filter(|s| s.known)?;
        split.domain.map(str::to_string)
    };
    features.punycode = host.split('.').any(|l| l.starts_with("xn--"));
    if let Some(d) = &domain {
        let tld = d.rsplit('.').next().unwrap_or("");
        features.abuse_tld = ABUSE_TLDS.contains(&tld) || is_abuse_suffix(d);
        let sub = host.len().saturating_sub(d.len());
        features.subdomain_depth = if sub == 0 {
            0
        } else {
            host[..sub - 1].split('.').count().min(255) as u8
        };
        features.shortener =
            SHORTENERS.contains(&d.as_str()) || SHORTENERS.contains(&host.as_str());
        features.new_tld = tld.len() > 2 && !LEGACY_TLDS.contains(&tld) && !tld.starts_with("xn--");
        features.free_hosting = is_free_host(&host);
        features.user_content = is_user_content(&host);
        features.random_host = host.split('.').any(looks_random);
        features.lure_words = d.split('.').next().is_some_and(lure_word_name);
    }
    let path_only = path_folded.split(['?', '#']).next().unwrap_or("");
    let path_written = clean
        .get(clean.len() - path_folded.len()..)
        .unwrap_or(path_folded);
    features.token_path = is_token_path(path_written);
    features.apk = path_only.ends_with(".apk") || path_folded.contains(".apk?");
    // The path as written (case kept): same offsets in clean and folded.
    let path = clean
        .get(clean.len() - path_folded.len()..)
        .unwrap_or(path_folded)
        .to_string();
    let mut link = Link {
        text: clean.to_string(),
        scheme: Some(scheme.to_string()),
        host,
        host_unicode,
        domain,
        path,
        features,
        target: None,
        span: (0, 0),
    };
    if depth < 3 {
        if let Some(inner) = redirect_target(&link, depth) {
            link.features.redirect = true;
            link.target = Some(Box::new(inner));
        }
    }
    Some(link)
}

fn split_port(hostport: &str) -> (&str, Option<u16>) {
    if hostport.starts_with('[') {
        if let Some(close) = hostport.find(']') {
            let port = hostport[close + 1..]
                .strip_prefix(':')
                .and_then(|p| p.parse().ok());
            return (&hostport[..=close], port);
        }
        return (hostport, None);
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            (h, p.parse().ok().or(Some(0)))
        }
        Some((h, "")) => (h, None),
        _ => (hostport, None),
    }
}

/// A host named outside a link (the site of an origin-bound code) in the forms a link to it
/// would be judged in: its ASCII form and its Unicode form when different; `None` for an IP
/// literal or a host on no known suffix, which no link would reach.
pub fn judged_host(raw: &str) -> Option<(String, Option<String>)> {
    let raw = raw.trim_end_matches('.');
    if raw.is_empty() || raw.len() > 253 {
        return None;
    }
    let (host, unicode, ip) = host_forms(raw)?;
    if ip || !crate::signals::suffix::split(&host).is_some_and(|s| s.known) {
        return None;
    }
    Some((host, unicode))
}

/// ASCII host, Unicode host when different, and whether it is an IP literal.
fn host_forms(raw: &str) -> Option<(String, Option<String>, bool)> {
    if raw.starts_with('[') {
        return Some((raw.to_string(), None, true));
    }
    if is_ipv4ish(raw) {
        return Some((raw.to_string(), None, true));
    }
    let ascii = if raw.is_ascii() {
        raw.to_string()
    } else {
        match idna::domain_to_ascii(raw) {
            Ok(a) => a,
            // Not even valid IDNA: keep a punycode-free marker host so the link is still judged.
            Err(_) => format!(
                "invalid-idn.{}",
                raw.rsplit('.').next().unwrap_or("invalid")
            ),
        }
    };
    let unicode = if ascii.split('.').any(|l| l.starts_with("xn--")) {
        let (u, _) = idna::domain_to_unicode(&ascii);
        (u != ascii).then_some(u)
    } else {
        None
    };
    Some((ascii, unicode, false))
}

/// Dotted-quad, or the decimal/hex integer forms browsers also accept (`http://3232235777`).
fn is_ipv4ish(h: &str) -> bool {
    let parts: Vec<&str> = h.split('.').collect();
    let num = |p: &str| {
        !p.is_empty()
            && (p.bytes().all(|b| b.is_ascii_digit())
                || (p.starts_with("0x")
                    && p.len() > 2
                    && p[2..].bytes().all(|b| b.is_ascii_hexdigit())))
    };
    (1..=4).contains(&parts.len())
        && parts.iter().all(|p| num(p))
        && (parts.len() == 4 || h.len() >= 8)
}

/// The link a redirector sends to: a query parameter holding an absolute URL (a listed name
/// first, then any other), a URL written into the path (`/redirect/https://…`), or Google AMP's
/// `/amp/s/host/path`. A protocol-relative value (`//evil.top`) counts: browsers follow it.
fn redirect_target(link: &Link, depth: u8) -> Option<Link> {
    let path = link.path.as_str();
    if let Some(q) = path.split_once('?').map(|(_, q)| q) {
        let q = q.split('#').next().unwrap_or("");
        let mut fallback = None;
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            let Some(url) = absolute_value(&v) else {
                continue;
            };
            if REDIRECT_PARAMS.contains(&k.to_ascii_lowercase().as_str()) {
                return follow(&url, depth);
            }
            fallback.get_or_insert(url);
        }
        if let Some(url) = fallback {
            return follow(&url, depth);
        }
    }
    // `/redirect/https://evil.top/…` or its escaped form in the path itself.
    let bare_path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(bare_path);
    let lower = decoded.to_ascii_lowercase();
    if let Some(i) = ["/https://", "/http://"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
    {
        return follow(&decoded[i + 1..], depth);
    }
    let d = link.domain.as_deref().unwrap_or("");
    if d.starts_with("google.") {
        if let Some(rest) = path.strip_prefix("/amp/s/") {
            return follow(&format!("https://{rest}"), depth);
        }
    }
    None
}

/// A parameter value that sends the browser to another site: `http(s)://…` or `//host…`.
fn absolute_value(v: &str) -> Option<String> {
    let v = v.trim();
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Some(v.to_string())
    } else if v.starts_with("//") && v[2..].starts_with(|c: char| c.is_alphanumeric()) {
        Some(format!("https:{v}"))
    } else {
        None
    }
}

/// `%XX` escapes decoded (invalid ones and non-UTF-8 results kept as written).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn follow(url: &str, depth: u8) -> Option<Link> {
    let n = crate::text::normalize::normalize(url);
    parse_absolute(&n.folded, &n.clean, depth + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_unique;
    use crate::text::normalize::normalize;

    #[test]
    fn every_link_feature_has_a_sentence_in_every_catalog() {
        for f in LinkFeature::ALL {
            crate::testing::assert_named_in_every_catalog(&f, &f.key(), f.as_str());
        }
    }

    #[test]
    fn word_lists_hold_each_entry_once() {
        assert_unique("SHORTENERS", SHORTENERS);
        assert_unique("WELL_KNOWN", WELL_KNOWN);
        assert_unique("USER_CONTENT", USER_CONTENT);
        assert_unique("ABUSE_TLDS", ABUSE_TLDS);
        assert_unique("FREE_HOSTS", FREE_HOSTS);
        assert_unique("LEGACY_TLDS", LEGACY_TLDS);
        assert_unique("COMMON_TLDS", COMMON_TLDS);
        assert_unique("REDIRECT_PARAMS", REDIRECT_PARAMS);
        let restricted: Vec<&str> = crate::signals::suffix::RESTRICTED
            .iter()
            .map(|r| r.suffix)
            .collect();
        assert_unique("suffix::RESTRICTED", &restricted);
    }

    fn hosts(body: &str) -> Vec<String> {
        extract(&normalize(body))
            .iter()
            .map(|l| l.effective().host.clone())
            .collect()
    }

    /// Open-redirect shapes: (link, judged host).
    #[test]
    fn redirect_targets_are_followed() {
        let cases = [
            (
                "https://www.amazon.co.jp/gp/redirect.html?location=https://evil.top",
                "evil.top",
            ),
            (
                "https://x.example.com/a?return=https://evil.top/p",
                "evil.top",
            ),
            (
                "https://x.example.com/a?returnTo=https%3A%2F%2Fevil.top%2Fp",
                "evil.top",
            ),
            (
                "https://x.example.com/a?return_to=https://evil.top",
                "evil.top",
            ),
            (
                "https://x.example.com/a?redirect_uri=https://evil.top",
                "evil.top",
            ),
            (
                "https://x.example.com/a?continue=https://evil.top",
                "evil.top",
            ),
            ("https://x.example.com/a?next=//evil.top/x", "evil.top"),
            ("https://x.example.com/a?dest=https://evil.top", "evil.top"),
            (
                "https://x.example.com/a?destination=https://evil.top",
                "evil.top",
            ),
            (
                "https://x.example.com/a?target=https://evil.top",
                "evil.top",
            ),
            ("https://x.example.com/a?goto=https://evil.top", "evil.top"),
            ("https://x.example.com/a?to=https://evil.top", "evil.top"),
            ("https://x.example.com/a?u=https://evil.top", "evil.top"),
            // A name outside the list still forwards when its value is a URL.
            (
                "https://x.example.com/a?whatever=https://evil.top",
                "evil.top",
            ),
            // A listed name wins over an earlier unlisted one.
            (
                "https://x.example.com/a?img=https://cdn.example.net/i.png&next=https://evil.top",
                "evil.top",
            ),
            (
                "https://x.example.com/out/https%3A%2F%2Fevil.top%2Fa",
                "evil.top",
            ),
            ("https://x.example.com/out/https://evil.top/a", "evil.top"),
            // Relative targets stay on the site.
            ("https://x.example.com/a?next=/account", "x.example.com"),
        ];
        for (link, want) in cases {
            assert_eq!(hosts(link), vec![want.to_string()], "{link}");
        }
    }

    #[test]
    fn every_link_is_found_past_the_analysis_cap() {
        let body: String = (0..100).map(|i| format!("https://a.co/{i} ")).collect();
        assert_eq!(extract(&normalize(&body)).len(), 100);
        let body = "a.co ".repeat(MAX_FOUND + 10);
        assert_eq!(extract(&normalize(&body)).len(), MAX_FOUND);
    }

    #[test]
    fn disguised_links_say_so() {
        for (body, disguised) in [
            ("go to //usps-redeliver.com/track", true),
            ("https://%61mazon-verify.%63om/hold", true),
            ("https://usps-redeliver.com/track", false),
            ("https://example.com/a%20b", false),
        ] {
            let found = extract(&normalize(body));
            assert_eq!(found.len(), 1, "{body}");
            assert_eq!(found[0].features.disguised, disguised, "{body}");
        }
    }

    #[test]
    fn names_made_of_lure_words() {
        for (label, lure) in [
            ("secure-verify-center", true),
            ("account-update-support", true),
            ("mypagecheck", true),
            ("kakunin-jp", true),
            ("verify24-support", true),
            ("redeliverystatus", true),
            // Fillers alone, one word, or a word of its own (a business's name).
            ("my-web-app", false),
            ("online-info", false),
            ("verify", false),
            ("riverside-dental-care", false),
            ("sakura-salon", false),
            ("checkpoint", false),
        ] {
            assert_eq!(lure_word_name(label), lure, "{label}");
        }
    }

    #[test]
    fn finds_links_and_only_links() {
        let cases: &[(&str, &[&str])] = &[
            ("ｈｔｔｐｓ：／／ｓｂｉ－ｓｅｃ．ｎｅｔ", &["sbi-sec.net"]),
            ("確認はrakuten-sec.helpへ", &["rakuten-sec.help"]),
            (
                "sbisec.co.jp.kakunin.info/x からログイン",
                &["sbisec.co.jp.kakunin.info"],
            ),
            ("meet at 10.30 ok", &[]),
            ("update to ver2.0 now", &[]),
            ("open file.txt please", &[]),
            ("mail me at taro.yamada@example.co.jp", &[]),
            ("my wife.how are you u.call me today.do it", &[]),
            // Chat typed without a space after a full stop: two chat words, nothing that
            // says link. A lure's bare host is still one.
            ("so tired.lol cant even", &[]),
            ("ok.now coming", &[]),
            ("lets go.fun time", &[]),
            ("can you help.me", &[]),
            ("pay the toll at ezpass.top now", &["ezpass.top"]),
            ("see www.help.me", &["www.help.me"]),
            ("help.me/now", &["help.me"]),
            // Written to be missed: a protocol-relative link, percent escapes in the host.
            (
                "Update your address: //usps-redeliver.com/track",
                &["usps-redeliver.com"],
            ),
            ("ご確認ください。//sagawa-check.com/", &["sagawa-check.com"]),
            ("https://%61mazon-verify.%63om/hold", &["amazon-verify.com"]),
            ("see a/b//c.com/x", &[]),
            ("fix your bill now > ://lnkd.in/g7jb5b_7", &["lnkd.in"]),
            (
                "CID#30859 https:/30859------::http://194.87.140.6#yfuy.php",
                &["194.87.140.6"],
            ),
            (
                "Click and join us, whatsapp://chat/?code=KGGDbfgVo337hX6umWORvx",
                &["chat.whatsapp.com"],
            ),
            ("tg://resolve?domain=invest_club", &["t.me"]),
            ("IP: 104.28.42.75\nNOT YOU?", &[]),
            ("http://104.28.42.75/login", &["104.28.42.75"]),
            ("go 104.28.42.75:8080 now", &["104.28.42.75"]),
            ("838123 is your code.\n@tesco.com #838123", &[]),
            (
                "https://www.amazon.co.jp@amazon-check.shop/",
                &["amazon-check.shop"],
            ),
            (
                "www.amazon.co.jp@amazon-check.shop/signin",
                &["amazon-check.shop"],
            ),
            (
                "https://www.google.com/url?q=https://evil.top/x&sa=D",
                &["evil.top"],
            ),
            ("see https://www.google.com/amp/s/evil.top/y", &["evil.top"]),
            ("hxxps://sbi-kakunin[.]top/login", &["sbi-kakunin.top"]),
            (
                "今すぐhttps://xn--80ak6aa92e.com/ へ",
                &["xn--80ak6aa92e.com"],
            ),
            ("https://аpple.com/verify", &["xn--pple-43d.com"]),
            ("Amex code for Bol.com purchase", &["bol.com"]),
            ("(see www.example.com.)", &["www.example.com"]),
            ("v.whatsapp.com/105876", &["v.whatsapp.com"]),
            // Hosts split by a space (screenshots read back, filter dodging) are joined when
            // the pieces make a host under a known suffix.
            (
                "ご確認ください。http://x7k2.duckdns .org",
                &["x7k2.duckdns.org"],
            ),
            ("http://pmbooq .duckdns.org/a", &["pmbooq.duckdns.org"]),
            ("http://thknq.duckdns.or g", &["thknq.duckdns.org"]),
            (
                "http://www .payment.example.co.jp /x",
                &["www.payment.example.co.jp"],
            ),
            ("see http://example.com and more", &["example.com"]),
            ("see http://example.com .and more", &["example.com"]),
            // The colon lost (OCR, filter dodging): still the link a browser would open.
            ("pay here http //ty.qwzp.co/7y8d", &["ty.qwzp.co"]),
            (
                "TXT GREAT http//www.gr8prizes.com now",
                &["www.gr8prizes.com"],
            ),
            ("詳細はhttps : //sbi-kakunin.top/a", &["sbi-kakunin.top"]),
            ("http //x7k2.duckdns .org", &["x7k2.duckdns.org"]),
            ("http mury", &[]),
            ("the http protocol //comment", &[]),
        ];
        for (body, want) in cases {
            assert_eq!(hosts(body), *want, "body {body:?}");
        }
    }

    #[test]
    fn features() {
        let l = &extract(&normalize("http://bit.ly/3xYz"))[0];
        assert!(l.features.shortener && l.features.insecure);
        let l = &extract(&normalize("https://a.b.evil.top:8443/app.apk"))[0];
        assert!(l.features.abuse_tld && l.features.port && l.features.apk);
        assert_eq!(l.features.subdomain_depth, 2);
        assert_eq!(l.domain.as_deref(), Some("evil.top"));
        let l = &extract(&normalize("https://аpple.com/"))[0];
        assert!(l.features.punycode);
        assert_eq!(l.host_unicode.as_deref(), Some("аpple.com"));
        let l = &extract(&normalize(
            "https://www.google.com/url?q=https://evil.top/x",
        ))[0];
        assert!(l.features.redirect);
        assert_eq!(l.host, "www.google.com");
        assert_eq!(l.effective().host, "evil.top");
    }

    #[test]
    fn token_paths() {
        let cases: &[(&str, bool)] = &[
            ("/yF70SNqOKV", true),
            ("/ZOKNSJFtJT", true),
            ("/rvirONcqBD", true),
            ("/BmzxcMn", true),
            ("/MyAccount", false),
            ("/iPhone", false),
            ("/LinkedIn", false),
            ("/appt/brightsmile", false),
            ("/2025/04/01/", false),
            ("/Resd", false),
        ];
        for (path, want) in cases {
            assert_eq!(is_token_path(path), *want, "{path}");
        }
    }

    #[test]
    fn keeps_case_of_path() {
        let l = &extract(&normalize("Go https://Example.com/AbC?X=1"))[0];
        assert_eq!(l.host, "example.com");
        assert_eq!(l.path, "/AbC?X=1");
    }
}
