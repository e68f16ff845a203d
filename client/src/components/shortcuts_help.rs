use web_sys::HtmlDialogElement;
use yew::prelude::*;

use crate::shortcuts::Shortcut;

/// Properties of [`ShortcutsHelp`].
#[derive(Properties, PartialEq)]
pub struct ShortcutsHelpProps {
    /// Whether the dialog is open (`?` opens it); closing it sets this to false.
    pub open: UseStateHandle<bool>,
}

/// The keyboard shortcuts, in a modal `<dialog>` (the browser keeps the focus inside it,
/// closes it on Escape and gives the focus back).
#[function_component(ShortcutsHelp)]
pub fn shortcuts_help(props: &ShortcutsHelpProps) -> Html {
    let dialog_ref = use_node_ref();
    {
        let dialog_ref = dialog_ref.clone();
        use_effect_with(*props.open, move |open| {
            if let Some(dialog) = dialog_ref.cast::<HtmlDialogElement>() {
                if *open && !dialog.open() {
                    // Fails only if the dialog is not in the document: then it stays shut.
                    let _ = dialog.show_modal();
                } else if !*open && dialog.open() {
                    dialog.close();
                }
            }
        });
    }
    let on_close = {
        let open = props.open.clone();
        Callback::from(move |_: Event| open.set(false))
    };
    let close = {
        let open = props.open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    html! {
        <dialog ref={dialog_ref} class="card dialog" aria-labelledby="shortcuts-title" onclose={on_close}>
            <h2 id="shortcuts-title">{ "Keyboard shortcuts" }</h2>
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
            <button type="button" class="primary" onclick={close} autofocus=true>{ "Close" }</button>
        </dialog>
    }
}
