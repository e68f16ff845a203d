use yew::prelude::*;

use super::ModalDialog;
use crate::hooks::use_translator;
use crate::shortcuts::Shortcut;

/// Properties of [`ShortcutsHelp`].
#[derive(Properties, PartialEq)]
pub struct ShortcutsHelpProps {
    /// Whether the dialog is open (`?` opens it); closing it sets this to false.
    pub open: UseStateHandle<bool>,
}

/// The keyboard shortcuts, in a modal dialog.
#[function_component(ShortcutsHelp)]
pub fn shortcuts_help(props: &ShortcutsHelpProps) -> Html {
    let t = use_translator();
    html! {
        <ModalDialog open={props.open.clone()} title={t.get("shortcuts-title")} title_id="shortcuts-title">
            <table class="shortcuts">
                <thead>
                    <tr>
                        <th scope="col">{ t.get("shortcuts-key") }</th>
                        <th scope="col">{ t.get("shortcuts-action") }</th>
                    </tr>
                </thead>
                <tbody>
                    { for Shortcut::ALL.into_iter().map(|shortcut| html! {
                        <tr>
                            <td><kbd>{ shortcut.keys() }</kbd></td>
                            <td>{ t.get(shortcut.message_id()) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="muted small">{ t.get("shortcuts-ignored-in-fields") }</p>
        </ModalDialog>
    }
}
