//! The root component: owns the app state, provides it (with the language and the code
//! guard's word on the build) as context, routes by page, and shows the code guard's alarm
//! above every page.

use yew::prelude::*;

use crate::components::{
    BrokenEnrollmentLinkPage, BrokenInvitePage, ClosedPage, EnrollmentPage, HomePage,
    IntegrityBanner, LanguageSwitcher, LeftPage, LobbyPage, MeetingPage, NotFoundPage,
};
use crate::hooks::{
    use_watched_build_integrity, AppContext, BuildIntegrityContext, LanguageContext,
};
use crate::i18n::Translator;
use crate::invite::Route;
use crate::services::{
    e2ee, identity_store, key_agreement, locale, media, navigation, signaling, storage,
};
use crate::state::{Action, AppState, LocalMedia, Page};

/// The page a freshly loaded (or history-popped) route shows. A meeting link always
/// opens the lobby first.
pub fn page_for_route(route: Route) -> Page {
    match route {
        Route::Home => Page::Home,
        Route::Meeting(invite) => Page::Lobby(invite),
        Route::BrokenInvite(error) => Page::BrokenInvite(error),
        Route::Enroll { expected_anchor } => Page::Enroll { expected_anchor },
        Route::BrokenEnrollmentLink => Page::BrokenEnrollmentLink,
        Route::NotFound => Page::NotFound,
    }
}

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        AppState::new(
            page_for_route(navigation::current_route()),
            storage::remembered_display_name(),
        )
    });
    let language =
        use_state(|| storage::chosen_language().unwrap_or_else(locale::browser_language));
    {
        // Screen readers pick their voice by the page's language.
        use_effect_with(*language, |language| {
            locale::set_document_language(*language)
        });
    }
    let t = Translator::new(*language);
    // What Conclave's code guard says about this page's code (issue 15).
    let integrity = use_watched_build_integrity();

    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = navigation::on_history_change(move || {
                dispatcher.dispatch(Action::Navigate(
                    page_for_route(navigation::current_route()),
                ))
            });
            move || drop(listener)
        });
    }
    {
        // Leaving the lobby or meeting by any way (back button, home) releases the camera.
        let dispatcher = state.dispatcher();
        let keeps_media = matches!(state.page, Page::Lobby(_) | Page::Meeting(_));
        let local = state.local_media.clone();
        use_effect_with(keeps_media, move |keeps_media| {
            if !keeps_media {
                if let LocalMedia::Live(stream) = &local {
                    media::stop_all(stream);
                    dispatcher.dispatch(Action::MediaReleased);
                }
            }
        });
    }

    {
        // The encryption worker and this browser's identity load while the person is in
        // the lobby, and a join is rehearsed in memory (the browser compiles the MLS
        // code then), so joining waits for none of it; the worker holds no key before the
        // meeting's MLS group gives it one. The meeting session takes both; leaving the
        // lobby for anything but the meeting terminates the worker and drops the identity.
        let lobby_suite = match &state.page {
            Page::Lobby(invite) => Some(invite.frame_suite()),
            _ => None,
        };
        let keeps_them = matches!(state.page, Page::Lobby(_) | Page::Meeting(_));
        use_effect_with((lobby_suite, keeps_them), |(lobby_suite, keeps_them)| {
            if let Some(frame_suite) = lobby_suite {
                e2ee::prestart_worker();
                identity_store::preload_identity();
                key_agreement::rehearse_join_soon(*frame_suite);
            }
            if !*keeps_them {
                e2ee::discard_prestarted_worker();
                identity_store::discard_preloaded_identity();
            }
        });
    }

    {
        // The signaling socket opens in the lobby too, so that joining only sends `join`
        // (it holds no room slot before that); leaving the lobby for anything but the
        // meeting closes it.
        let lobby_room = match &state.page {
            Page::Lobby(invite) => Some(invite.room_id().clone()),
            _ => None,
        };
        let keeps_it = matches!(state.page, Page::Lobby(_) | Page::Meeting(_));
        use_effect_with((lobby_room, keeps_it), |(lobby_room, keeps_it)| {
            if let Some(room) = lobby_room {
                signaling::preconnect(room);
            }
            if !*keeps_it {
                signaling::discard_preconnection();
            }
        });
    }

    let page = match &state.page {
        Page::Home => html! { <HomePage /> },
        Page::BrokenInvite(error) => html! { <BrokenInvitePage error={*error} /> },
        Page::NotFound => html! { <NotFoundPage /> },
        Page::Enroll { expected_anchor } => {
            html! { <EnrollmentPage expected_anchor={*expected_anchor} /> }
        }
        Page::BrokenEnrollmentLink => html! { <BrokenEnrollmentLinkPage /> },
        Page::Lobby(_) => html! { <LobbyPage /> },
        Page::Meeting(invite) => html! { <MeetingPage invite={invite.clone()} /> },
        Page::Left(_) => html! { <LeftPage /> },
        Page::Closed(closed) => html! { <ClosedPage closed={*closed} /> },
    };
    let show_brand = !matches!(state.page, Page::Home);
    html! {
        <ContextProvider<AppContext> context={state.clone()}>
        <ContextProvider<LanguageContext> context={language.clone()}>
        <ContextProvider<BuildIntegrityContext> context={integrity}>
            <header class="app-header">
                if show_brand {
                    <a class="brand" href="/">
                        <img src="/favicon.svg" alt="" width="22" height="22" />
                        <span>{ t.get("app-name") }</span>
                    </a>
                }
                <LanguageSwitcher />
            </header>
            // Above every page: the code this page runs was refused by the guard.
            <IntegrityBanner />
            { page }
        </ContextProvider<BuildIntegrityContext>>
        </ContextProvider<LanguageContext>>
        </ContextProvider<AppContext>>
    }
}
