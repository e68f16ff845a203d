use yew::prelude::*;

use crate::session::SessionHandle;

/// The meeting session's commands, provided by the meeting page. `None` outside it.
#[hook]
pub fn use_session() -> Option<SessionHandle> {
    use_context::<SessionHandle>()
}
