//! What screen readers should hear of the meeting: members who joined or left the
//! encrypted meeting, a raised hand. The page has one polite live region for them; the
//! reducer keeps the latest, numbered so that the same words twice are announced twice.

use crate::i18n::{isolate, Arg, Translator};
use crate::roster::GroupView;

/// A change screen readers should hear. The names are kept, not the words, so that the
/// page says it in the language on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Announcement {
    /// Members joined or left the encrypted meeting (or both at once).
    RosterChanged {
        /// The names of those who joined.
        joined: Vec<String>,
        /// The names of those who left.
        left: Vec<String>,
    },
    /// A member (by name) raised their hand.
    HandRaised(String),
}

impl Announcement {
    /// The words, in `t`'s language.
    pub fn text(&self, t: Translator) -> String {
        match self {
            Announcement::RosterChanged { joined, left } => {
                let mut said = Vec::new();
                for (names, id) in [(joined, "announcement-joined"), (left, "announcement-left")] {
                    if !names.is_empty() {
                        said.push(t.with(
                            id,
                            &[
                                ("names", isolated_list(names).into()),
                                ("count", names.len().into()),
                            ],
                        ));
                    }
                }
                said.join(". ")
            }
            Announcement::HandRaised(name) => {
                t.with("announcement-hand-raised", &[("name", Arg::name(name))])
            }
        }
    }
}

/// `names` separated by commas, each [`isolate`]d.
fn isolated_list(names: &[String]) -> String {
    names
        .iter()
        .map(|name| isolate(name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Who joined or left the encrypted meeting between two views of it (`None` if nobody, or
/// if we were not a member before: our own arrival lists everyone).
pub fn roster_change(before: Option<&GroupView>, after: &GroupView) -> Option<Announcement> {
    let before = before.filter(|before| !before.members.is_empty())?;
    let names = |from: &GroupView, other: &GroupView| -> Vec<String> {
        from.members
            .iter()
            .filter(|member| {
                !other
                    .members
                    .iter()
                    .any(|o| o.fingerprint_hex == member.fingerprint_hex)
            })
            .map(|member| member.display_name.clone())
            .collect()
    };
    let joined = names(after, before);
    let left = names(before, after);
    (!joined.is_empty() || !left.is_empty()).then_some(Announcement::RosterChanged { joined, left })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn a_raised_hand_is_said_by_name() {
        assert_eq!(
            Announcement::HandRaised("Grace".to_owned()).text(Translator::new(Language::English)),
            "\u{2068}Grace\u{2069} raised their hand"
        );
    }

    #[test]
    fn each_name_of_a_list_is_isolated() {
        let joined = Announcement::RosterChanged {
            joined: vec!["Ada".to_owned(), "Bo".to_owned()],
            left: vec![],
        };
        assert_eq!(
            joined.text(Translator::new(Language::English)),
            "\u{2068}Ada\u{2069}, \u{2068}Bo\u{2069} joined the encrypted meeting"
        );
    }
}
