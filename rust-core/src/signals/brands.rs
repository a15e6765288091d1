//! The brand index's parts: what a registry compiles from its services' official domains and
//! names (official labels, brand tokens, the near-label index) for the look-alike check to
//! search. The registry builds and owns them; the look-alike check only reads them; neither
//! reaches into the other for them.

/// Brand tokens shorter than this are not searched inside foreign hosts at all (`au`); tokens
/// shorter than [`FREE_TOKEN_LEN`] count only when they stand alone between hyphens or dots
/// (`dhl-parcel.top`, not `online`).
pub const MIN_TOKEN_LEN: usize = 3;

/// Labels that name no brand (`www` of `www.gov.uk`): never searched as tokens.
pub const GENERIC_LABELS: &[&str] = &[
    "www", "web", "app", "api", "mail", "login", "secure", "account", "online", "mobile", "help",
    "support", "service", "info", "news", "shop", "store", "card", "bank", "pay", "post", "home",
    // Public bodies' hosts carry place and office words any city or prefecture's site shares.
    "police", "pref", "city", "metro", "tokyo", "osaka", "kanagawa", "chiba", "gov", "govt",
    "canada",
];

/// An official label for lookalike matching: `sbisec` of `sbisec.co.jp`.
#[derive(Debug, Clone)]
pub(crate) struct OfficialLabel {
    pub service: usize,
    pub domain: String,
    pub label: String,
    /// The label folded through the confusable skeleton and digit/letter swaps.
    pub skeleton: String,
    /// `skeleton` as characters, for edit distance without allocating per comparison.
    pub skeleton_chars: Vec<char>,
}

/// A brand's name as searched inside foreign hosts: an official label (`sagawa-exp`), a word
/// of one (`sagawa`), or a one-word Latin alias (`kuroneko`).
#[derive(Debug)]
pub(crate) struct BrandToken {
    /// The official label of the brand this token stands for (index into `labels`).
    pub label: usize,
    /// The token as written, lower case.
    pub plain: String,
    /// The token folded like hosts are ([`crate::signals::skeleton::skeleton`]).
    pub skeleton: String,
}

/// Labels shorter than this (skeleton characters) are not matched by edit distance.
pub(crate) const MIN_EDIT_LABEL: usize = 5;

/// Labels this long (skeleton characters) or longer may be two edits away, where two slips
/// still leave most of a long name; shorter ones one.
pub(crate) const TWO_EDIT_LABEL: usize = 9;

/// An index of the official labels' skeletons that yields, for a host label, every official
/// label within its edit limit — and a few more, which the distance then refuses — without
/// looking at the others. It replaced a scan of every label, which a registry of 100,000
/// services made cost milliseconds a link.
///
/// Keys are hashes of deletion neighbourhoods (SymSpell's idea), each label's and each host's:
///
/// * A label of 5 to 8 characters is keyed by itself and by each of its one-deletion
///   variants: two strings one edit apart (a substitution, insertion, deletion or adjacent
///   transposition) always share one such variant.
/// * A label of 9 or more, allowed two edits, would need every two-deletion variant (dozens a
///   label). It is cut in two instead, at `h = len / 2` and again at `h + 1`, and keyed by the
///   first half with its one-deletion variants and by the second half as it is. Take the two
///   edits of any alignment: a transposition cannot straddle both cuts (it would edit one
///   character twice), so at one of them each edit lies in one half. Then either the first half
///   has at most one (edits at the cut counted with it), and the host's first `h ± 1`
///   characters share a key with it, or it has both and the host ends with the second half.
///
/// A host label is looked up under every cut that a label of a length within two of its own
/// would have. Hash collisions only add candidates; every candidate is checked with
/// the edit distance (`lookalike::osa_distance`).
#[derive(Debug, Default)]
pub(crate) struct NearIndex {
    /// (key, label index), sorted.
    keys: Vec<(u64, u32)>,
    /// `keys[dir[t]..dir[t + 1]]` are the keys whose top `bits` bits are `t`.
    dir: Vec<u32>,
    bits: u32,
}

/// What a key stands for, mixed into its hash so that kinds never meet.
pub(crate) const KEY_SHORT: u64 = 1;
pub(crate) const KEY_HEAD: u64 = 2;
pub(crate) const KEY_TAIL: u64 = 3;

/// The key of `s` without its character at `skip` (none when `skip` is out of range).
pub(crate) fn key(kind: u64, s: &[char], skip: usize) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ kind.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for (i, &c) in s.iter().enumerate() {
        if i != skip {
            h = (h ^ u64::from(u32::from(c))).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    // Spread into the top bits, which the directory reads (splitmix64's finaliser).
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// `s` and each of its one-deletion variants, as keys of `kind`.
pub(crate) fn neighbourhood(kind: u64, s: &[char], mut f: impl FnMut(u64)) {
    for skip in 0..=s.len() {
        f(key(kind, s, skip));
    }
}

impl NearIndex {
    /// Index the labels' skeletons.
    pub(crate) fn new(labels: &[OfficialLabel]) -> NearIndex {
        let mut keys = Vec::new();
        for (i, l) in labels.iter().enumerate() {
            let sk = &l.skeleton_chars;
            let i = i as u32;
            let len = sk.len();
            if len < MIN_EDIT_LABEL {
                continue;
            }
            if len < TWO_EDIT_LABEL {
                neighbourhood(KEY_SHORT, sk, |k| keys.push((k, i)));
                continue;
            }
            for cut in [len / 2, len / 2 + 1] {
                neighbourhood(KEY_HEAD, &sk[..cut], |k| keys.push((k, i)));
                keys.push((key(KEY_TAIL, &sk[cut..], usize::MAX), i));
            }
        }
        keys.sort_unstable();
        keys.dedup();
        // About four keys a directory slot.
        let bits = (keys.len() / 4).max(1).ilog2().clamp(4, 24);
        let mut dir = Vec::with_capacity((1 << bits) + 1);
        let mut at = 0;
        for t in 0..=(1u64 << bits) {
            while at < keys.len() && (keys[at].0 >> (64 - bits)) < t {
                at += 1;
            }
            dir.push(at as u32);
        }
        NearIndex { keys, dir, bits }
    }

    /// Labels stored under `k`.
    pub(crate) fn get(&self, k: u64, out: &mut Vec<usize>) {
        if self.keys.is_empty() {
            return;
        }
        let t = (k >> (64 - self.bits)) as usize;
        let slot = &self.keys[self.dir[t] as usize..self.dir[t + 1] as usize];
        let from = slot.partition_point(|&(h, _)| h < k);
        out.extend(
            slot[from..]
                .iter()
                .take_while(|&&(h, _)| h == k)
                .map(|&(_, i)| i as usize),
        );
    }
}
