use yew::prelude::*;

use crate::i18n::{pieces, Piece};

/// A translated sentence, with each name it holds ([`crate::i18n::Arg::name`]) in a
/// `<bdi>`: laid out in its own direction, so a right-to-left name cannot reorder the
/// words around it.
pub fn sentence(text: &str) -> Html {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Words(words) => html! { { words } },
            Piece::Name(name) => html! { <bdi>{ name }</bdi> },
        })
        .collect()
}
