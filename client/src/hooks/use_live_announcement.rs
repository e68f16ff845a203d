use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Language;

/// The text a polite live region should hold for the announcement `key` (worded as
/// `text`): the text itself, except after the person switched language. A screen reader
/// reads a live region again whenever its text changes, so the same announcement in the
/// new language would be heard twice; it stays silent until the next announcement instead.
#[hook]
pub fn use_live_announcement<K>(language: Language, key: K, text: String) -> String
where
    K: PartialEq + 'static,
{
    let memory: Rc<RefCell<LiveAnnouncement<K>>> = use_mut_ref(|| LiveAnnouncement::new(language));
    let shown = memory.borrow_mut().text_to_show(language, key, text);
    shown
}

/// What a live region remembers between renders: the language it last spoke, and the
/// announcement it keeps silent because it was made before a language switch.
#[derive(Debug)]
pub struct LiveAnnouncement<K> {
    language: Language,
    silenced: Option<K>,
}

impl<K: PartialEq> LiveAnnouncement<K> {
    /// A live region speaking `language`, silent about nothing yet.
    pub fn new(language: Language) -> Self {
        Self {
            language,
            silenced: None,
        }
    }

    /// The region's text for announcement `key` worded as `text` in `language`.
    pub fn text_to_show(&mut self, language: Language, key: K, text: String) -> String {
        if language != self.language {
            self.language = language;
            self.silenced = Some(key);
            return String::new();
        }
        if self.silenced.as_ref() == Some(&key) {
            return String::new();
        }
        self.silenced = None;
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_announcement_is_not_repeated_in_a_new_language() {
        let mut region = LiveAnnouncement::new(Language::English);
        assert_eq!(
            region.text_to_show(Language::English, 1, "Ada joined".into()),
            "Ada joined"
        );
        // Rendering again says the same: no change, nothing re-read.
        assert_eq!(
            region.text_to_show(Language::English, 1, "Ada joined".into()),
            "Ada joined"
        );
        // The person switches to German: the old announcement goes, and stays gone.
        assert_eq!(
            region.text_to_show(Language::German, 1, "Ada ist beigetreten".into()),
            ""
        );
        assert_eq!(
            region.text_to_show(Language::German, 1, "Ada ist beigetreten".into()),
            ""
        );
        // The next announcement is heard, in German.
        assert_eq!(
            region.text_to_show(Language::German, 2, "Bo ist beigetreten".into()),
            "Bo ist beigetreten"
        );
    }

    #[test]
    fn switching_back_does_not_bring_the_old_announcement_back() {
        let mut region = LiveAnnouncement::new(Language::English);
        region.text_to_show(Language::English, 7, "Ada joined".into());
        assert_eq!(region.text_to_show(Language::French, 7, "x".into()), "");
        assert_eq!(
            region.text_to_show(Language::English, 7, "Ada joined".into()),
            ""
        );
    }
}
