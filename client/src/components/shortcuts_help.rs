use yew::prelude::*;

use super::ModalDialog;
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
    html! {
        <ModalDialog open={props.open.clone()} title="Keyboard shortcuts" title_id="shortcuts-title">
            <table class="shortcuts">
                <thead>
                    <tr><th scope="col">{ "Key" }</th><th scope="col">{ "Action" }</th></tr>
                </thead>
                <tbody>
                    { for Shortcut::ALL.into_iter().map(|shortcut| html! {
                        <tr>
                            <td><kbd>{ shortcut.keys() }</kbd></td>
                            <td>{ shortcut.description() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="muted small">{ "Shortcuts do nothing while you type in a field." }</p>
        </ModalDialog>
    }
}
