//! The meeting's security code as the page shows it, and whether people have checked
//! it aloud (docs/ARCHITECTURE.md, "Security code": 25 digits from the MLS epoch
//! authenticator, RFC 9420 section 8.7).
//!
//! A check belongs to one code: when the code changes (someone joined or left), the
//! mark goes and a note says why.

use conclave_group::SecurityCode;

/// One epoch's security code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityCodeView {
    /// The MLS epoch it belongs to.
    pub epoch: u64,
    /// Five groups of five digits, joined by single spaces.
    pub digits: String,
}

impl From<&SecurityCode> for SecurityCodeView {
    fn from(code: &SecurityCode) -> Self {
        Self {
            epoch: code.epoch,
            digits: code.to_string(),
        }
    }
}

/// Whether the current code was checked aloud, and whether it changed since the last.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeCheck {
    /// The latest code seen (kept while the group is briefly without one).
    current: Option<SecurityCodeView>,
    /// The code that was marked as checked, if any.
    checked: Option<SecurityCodeView>,
    /// The code changed after one had been shown.
    changed: bool,
}

impl CodeCheck {
    /// Takes in the group's code after every change (`None` while not a member).
    pub fn observe(&mut self, code: Option<&SecurityCodeView>) {
        let Some(code) = code else {
            return;
        };
        if self.current.as_ref() == Some(code) {
            return;
        }
        if self.current.is_some() {
            self.changed = true;
        }
        self.current = Some(code.clone());
    }

    /// "Mark as checked" was pressed: the current code was read aloud and matched.
    pub fn mark_checked(&mut self) {
        self.checked = self.current.clone();
        self.changed = false;
    }

    /// Whether `code` is the one marked as checked.
    pub fn is_checked(&self, code: &SecurityCodeView) -> bool {
        self.checked.as_ref() == Some(code)
    }

    /// Whether to say that the code changed since it was first shown (until the new
    /// one is checked).
    pub fn changed(&self) -> bool {
        self.changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(epoch: u64, digits: &str) -> SecurityCodeView {
        SecurityCodeView {
            epoch,
            digits: digits.into(),
        }
    }

    #[test]
    fn groups_keep_leading_zeros_and_are_joined_by_single_spaces() {
        let code = SecurityCode {
            epoch: 4,
            groups: [3_815, 99_120, 45_007, 12_873, 7],
        };
        assert_eq!(
            SecurityCodeView::from(&code),
            self::code(4, "03815 99120 45007 12873 00007")
        );
    }

    #[test]
    fn the_first_code_is_not_a_change() {
        let mut check = CodeCheck::default();
        check.observe(None);
        check.observe(Some(&code(0, "a b c d e")));
        assert!(!check.changed());
        assert!(!check.is_checked(&code(0, "a b c d e")));
    }

    #[test]
    fn a_check_lasts_until_the_code_changes() {
        let mut check = CodeCheck::default();
        let first = code(1, "a b c d e");
        check.observe(Some(&first));
        check.mark_checked();
        assert!(check.is_checked(&first));
        // Unchanged codes and a moment without one keep the mark.
        check.observe(Some(&first));
        check.observe(None);
        assert!(check.is_checked(&first));
        assert!(!check.changed());

        let second = code(2, "f g h i j");
        check.observe(Some(&second));
        assert!(!check.is_checked(&second));
        assert!(check.changed());
        check.mark_checked();
        assert!(check.is_checked(&second));
        assert!(!check.changed());
    }

    #[test]
    fn same_digits_in_another_epoch_are_another_code() {
        let mut check = CodeCheck::default();
        check.observe(Some(&code(1, "a b c d e")));
        check.mark_checked();
        check.observe(Some(&code(2, "a b c d e")));
        assert!(check.changed());
        assert!(!check.is_checked(&code(2, "a b c d e")));
    }
}
