use yew::prelude::*;

use crate::state::AppState;

/// The app state and its dispatcher, provided once by the root component.
pub type AppContext = UseReducerHandle<AppState>;

/// The app context. `None` only outside the root component's provider.
#[hook]
pub fn use_app() -> Option<AppContext> {
    use_context::<AppContext>()
}
