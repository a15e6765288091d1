//! The lure families: the stories criminals tell again and again (a parcel, a toll, a prize, a
//! stranger's "wrong number"), as a typed vocabulary with each one's name, sentence key and
//! weight. The evidence model recognises them; a verdict's reasons name them.

/// A lure family: a story criminals tell again and again, recognised by its ingredients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// A parcel that could not be delivered: absence, return, wrong address, customs fee.
    Delivery,
    /// An unpaid road toll (E-ZPass, SunPass, ETC).
    Toll,
    /// A tax refund or a tax demand.
    Tax,
    /// A prize, a gift, a reward, a survey with payment.
    Prize,
    /// A payment demanded under a (legal) threat, without saying what for.
    Billing,
    /// An account locked, suspended or used by someone else, with a request to act.
    Account,
    /// An unsolicited job offer with easy pay.
    Job,
    /// An invitation to an investment or trading group.
    Investment,
    /// A stranger opening a conversation as if by mistake.
    WrongNumber,
    /// Family on a "new number".
    FamilyNewNumber,
    /// A request to move the conversation to a chat app.
    MoveToChat,
}

impl Family {
    /// The name used as evidence (`family` of a reason) and in the catalog key.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Delivery => "delivery",
            Family::Toll => "toll",
            Family::Tax => "tax",
            Family::Prize => "prize",
            Family::Billing => "billing",
            Family::Account => "account",
            Family::Job => "job",
            Family::Investment => "investment",
            Family::WrongNumber => "wrong-number",
            Family::FamilyNewNumber => "family",
            Family::MoveToChat => "move-to-chat",
        }
    }

    /// The catalog entry that names it (`lure.toll`).
    pub fn key(self) -> String {
        format!("lure.{}", self.as_str())
    }

    /// Every family, for the catalog test.
    pub const ALL: [Family; 11] = [
        Family::Delivery,
        Family::Toll,
        Family::Tax,
        Family::Prize,
        Family::Billing,
        Family::Account,
        Family::Job,
        Family::Investment,
        Family::WrongNumber,
        Family::FamilyNewNumber,
        Family::MoveToChat,
    ];

    /// Families that are lures without any link: they open a conversation that ends in a
    /// transfer, so the text alone earns a warning.
    /// A request to move to a chat app is not one by itself (friends share LINE ids); it is
    /// named when it comes with one of the others.
    pub fn is_opener(self) -> bool {
        matches!(
            self,
            Family::Job
                | Family::Investment
                | Family::WrongNumber
                | Family::FamilyNewNumber
                | Family::Billing
        )
    }
}

/// Serialised under its evidence name (`wrong-number`, `family`), as [`Family::as_str`] gives.
impl serde::Serialize for Family {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_has_a_sentence_in_every_catalog_and_its_name() {
        for f in Family::ALL {
            crate::testing::assert_named_in_every_catalog(&f, &f.key(), f.as_str());
        }
    }
}
