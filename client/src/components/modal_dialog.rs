use web_sys::HtmlDialogElement;
use yew::prelude::*;

use crate::hooks::use_translator;

/// Properties of [`ModalDialog`].
#[derive(Properties, PartialEq)]
pub struct ModalDialogProps {
    /// Whether the dialog is open; closing it (Escape, or its Close button) sets false.
    pub open: UseStateHandle<bool>,
    /// Its title (the dialog's accessible name), and the id the title carries.
    pub title: AttrValue,
    /// A unique id for the title element.
    pub title_id: AttrValue,
    /// What it shows.
    #[prop_or_default]
    pub children: Html,
}

/// A modal `<dialog>`: the browser keeps the focus inside it, closes it on Escape and gives
/// the focus back when it closes.
#[function_component(ModalDialog)]
pub fn modal_dialog(props: &ModalDialogProps) -> Html {
    let t = use_translator();
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
        <dialog ref={dialog_ref} class="card dialog" aria-labelledby={props.title_id.clone()}
                onclose={on_close}>
            <h2 id={props.title_id.clone()}>{ props.title.clone() }</h2>
            if *props.open {
                { props.children.clone() }
            }
            <button type="button" class="primary" onclick={close}>{ t.get("modal-dialog-close") }</button>
        </dialog>
    }
}
