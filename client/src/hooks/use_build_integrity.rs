use std::rc::Rc;

use yew::prelude::*;

use crate::build_integrity::BuildIntegrity;
use crate::services::integrity;

/// What Conclave's code guard last said about this page's code (`None`: not known yet);
/// provided once by the root component, which watches it ([`use_watched_build_integrity`]).
pub type BuildIntegrityContext = Option<Rc<BuildIntegrity>>;

/// The code guard's status as it changes: read when the calling component mounts, then
/// again on every `conclave-integrity` event. For the root component, which provides it.
#[hook]
pub fn use_watched_build_integrity() -> BuildIntegrityContext {
    let status = use_state(|| integrity::current_status().map(Rc::new));
    {
        let status = status.clone();
        use_effect_with((), move |_| {
            let listener = {
                let status = status.clone();
                integrity::on_status_change(move |new| status.set(new.map(Rc::new)))
            };
            // A status that came between the first read and the listener is not missed.
            let now = integrity::current_status().map(Rc::new);
            if now != *status {
                status.set(now);
            }
            move || drop(listener)
        });
    }
    (*status).clone()
}

/// What Conclave's code guard last said about this page's code (`None`: not known yet,
/// or outside the root component's provider).
#[hook]
pub fn use_build_integrity() -> BuildIntegrityContext {
    use_context::<BuildIntegrityContext>().flatten()
}
