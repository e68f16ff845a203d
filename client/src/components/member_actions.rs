//! A chair's controls for one other member in the roster: Remove, and Make co-chair or
//! Remove co-chair. Each button's name includes the member's name for screen readers.

use yew::prelude::*;

use crate::hooks::{use_session, use_translator};
use crate::roster::lines::RosterRow;

/// Properties of [`MemberActions`].
#[derive(Properties, PartialEq)]
pub struct MemberActionsProps {
    /// The member they act on.
    pub row: RosterRow,
}

/// `<span class="member-actions">` with the two buttons.
#[function_component(MemberActions)]
pub fn member_actions(props: &MemberActionsProps) -> Html {
    let t = use_translator();
    let Some(session) = use_session() else {
        return Html::default();
    };
    let member = props.row.signature_key.clone();
    let chair = props.row.is_chair;
    let remove = {
        let session = session.clone();
        let member = member.clone();
        Callback::from(move |_: MouseEvent| session.remove_member(member.clone()))
    };
    let toggle_chair =
        Callback::from(move |_: MouseEvent| session.set_chair(member.clone(), !chair));
    let name = || [("name", (&props.row.display_name).into())];
    html! {
        <span class="member-actions">
            <button type="button" onclick={toggle_chair} data-testid="toggle-chair">
                if chair {
                    { t.get("member-actions-remove-chair") }
                } else {
                    { t.get("member-actions-make-chair") }
                }
                <span class="visually-hidden">{ t.with("member-actions-chair-who", &name()) }</span>
            </button>
            <button type="button" class="danger" onclick={remove} data-testid="remove-member">
                { t.get("member-actions-remove") }
                <span class="visually-hidden">{ t.with("member-actions-who", &name()) }</span>
            </button>
        </span>
    }
}
