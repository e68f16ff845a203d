//! The meeting's keyboard shortcuts: one key each, as in other meeting tools, ignored
//! while typing in a field or with Ctrl, Alt or Meta held (those belong to the browser
//! and the system). The help dialog (`?`) lists [`Shortcut::ALL`].
//!
//! Pure: which key does what; the page listens in `hooks::use_meeting_shortcuts`.

/// Something a key does in the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    /// Mute or unmute the microphone.
    Microphone,
    /// Turn the camera off or on.
    Camera,
    /// Raise or lower the hand.
    Hand,
    /// Open or close the chat.
    Chat,
    /// Show the shortcuts.
    Help,
    /// Leave the meeting (with Shift, so that a stray key does not end a call).
    Leave,
}

impl Shortcut {
    /// Every shortcut, in the order the help dialog lists them.
    pub const ALL: [Shortcut; 6] = [
        Shortcut::Microphone,
        Shortcut::Camera,
        Shortcut::Hand,
        Shortcut::Chat,
        Shortcut::Help,
        Shortcut::Leave,
    ];

    /// The shortcut of a key press: `key` is `KeyboardEvent.key`; `modified` says whether
    /// Ctrl, Alt or Meta was held; `in_field` whether the focus is in a text field.
    pub fn of_key(key: &str, shift: bool, modified: bool, in_field: bool) -> Option<Shortcut> {
        if modified || in_field {
            return None;
        }
        match (key, shift) {
            ("m" | "M", false) => Some(Shortcut::Microphone),
            ("v" | "V", false) => Some(Shortcut::Camera),
            ("r" | "R", false) => Some(Shortcut::Hand),
            ("c" | "C", false) => Some(Shortcut::Chat),
            ("?", _) => Some(Shortcut::Help),
            ("L", true) => Some(Shortcut::Leave),
            _ => None,
        }
    }

    /// The keys, as the help dialog and `aria-keyshortcuts` write them.
    pub fn keys(self) -> &'static str {
        match self {
            Shortcut::Microphone => "M",
            Shortcut::Camera => "V",
            Shortcut::Hand => "R",
            Shortcut::Chat => "C",
            Shortcut::Help => "?",
            Shortcut::Leave => "Shift+L",
        }
    }

    /// The catalogue id of what it does, as the help dialog says it.
    pub fn message_id(self) -> &'static str {
        match self {
            Shortcut::Microphone => "shortcuts-microphone",
            Shortcut::Camera => "shortcuts-camera",
            Shortcut::Hand => "shortcuts-hand",
            Shortcut::Chat => "shortcuts-chat",
            Shortcut::Help => "shortcuts-help",
            Shortcut::Leave => "shortcuts-leave",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, Translator};

    #[test]
    fn single_keys_act_only_outside_fields_and_without_modifiers() {
        assert_eq!(
            Shortcut::of_key("m", false, false, false),
            Some(Shortcut::Microphone)
        );
        assert_eq!(
            Shortcut::of_key("M", false, false, false),
            Some(Shortcut::Microphone)
        );
        assert_eq!(
            Shortcut::of_key("?", true, false, false),
            Some(Shortcut::Help)
        );
        assert_eq!(
            Shortcut::of_key("m", false, false, true),
            None,
            "typing in the chat"
        );
        assert_eq!(
            Shortcut::of_key("c", false, true, false),
            None,
            "Ctrl+C copies"
        );
        assert_eq!(
            Shortcut::of_key("l", false, false, false),
            None,
            "leaving needs Shift"
        );
        assert_eq!(
            Shortcut::of_key("L", true, false, false),
            Some(Shortcut::Leave)
        );
        assert_eq!(Shortcut::of_key("x", false, false, false), None);
    }

    #[test]
    fn every_description_is_in_the_catalogue() {
        let ids = crate::i18n::message_ids(Language::English);
        for shortcut in Shortcut::ALL {
            assert!(
                ids.iter().any(|id| id == shortcut.message_id()),
                "{shortcut:?}"
            );
        }
        // The English words stay those the help dialog always showed.
        let t = Translator::new(Language::English);
        let english = Shortcut::ALL.map(|shortcut| t.get(shortcut.message_id()));
        assert_eq!(
            english,
            [
                "Mute or unmute the microphone",
                "Turn the camera off or on",
                "Raise or lower your hand",
                "Open or close the chat",
                "Show these shortcuts",
                "Leave the meeting",
            ]
        );
    }

    #[test]
    fn every_shortcut_is_reached_by_the_keys_it_shows() {
        for shortcut in Shortcut::ALL {
            let keys = shortcut.keys();
            let (shift, key) = match keys.strip_prefix("Shift+") {
                Some(key) => (true, key),
                None => (keys == "?", keys),
            };
            assert_eq!(
                Shortcut::of_key(key, shift, false, false),
                Some(shortcut),
                "{keys}"
            );
        }
    }
}
