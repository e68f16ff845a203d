use yew::prelude::*;

use crate::hooks::use_translator;
use crate::worker_protocol::TransformApi;

/// Properties of [`E2eeBanner`].
#[derive(Properties, PartialEq)]
pub struct E2eeBannerProps {
    /// The transform API in use, once chosen.
    pub api: Option<TransformApi>,
    /// Whether the worker reported `ready`.
    pub ready: bool,
}

/// The "End-to-end encrypted" banner, naming the transform API in use.
#[function_component(E2eeBanner)]
pub fn e2ee_banner(props: &E2eeBannerProps) -> Html {
    let t = use_translator();
    // The API's own name is not translated.
    let detail = match (props.api, props.ready) {
        (Some(api), true) => t.with("e2ee-banner-ready", &[("detail", api.api_name().into())]),
        (Some(api), false) => t.with("e2ee-banner-starting", &[("detail", api.api_name().into())]),
        (None, _) => t.get("e2ee-banner-checking"),
    };
    html! {
        <div class="e2ee-banner" role="note">
            <svg class="lock" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h1zm2 0h6V7a3 3 0 0 0-6 0v3z" />
            </svg>
            <strong>{ t.get("e2ee-banner-title") }</strong>
            <span class="e2ee-detail">{ detail }</span>
        </div>
    }
}
