//! Small futures over IndexedDB's event-based API (web-sys `Idb*`): open a database,
//! await a request, await a transaction. Each wraps the request's `success`/`error`
//! (or the transaction's `complete`/`error`/`abort`) in a `Promise`; the handlers are
//! removed once it settles.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbVersionChangeEvent};

/// Why an IndexedDB step failed. The browser may refuse IndexedDB altogether (some
/// private modes) or run out of quota.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdbError {
    /// This page has no IndexedDB (no window, or the browser refuses it).
    #[error("IndexedDB is not available: {0}")]
    Unavailable(String),
    /// A request or transaction failed; the text is the browser's error name.
    #[error("an IndexedDB request failed: {0}")]
    Failed(String),
    /// Another tab holds the database open at an older version and does not let it go
    /// (builds before the database's version 2 did not close on `versionchange`).
    #[error("another Conclave tab holds this browser's storage open; close it and reload")]
    Blocked,
}

/// How long an open waits for other connections to let an upgrade through.
const BLOCKED_GRACE_MS: u32 = 2_000;

/// What an open's promise is rejected with when its grace ran out.
const STILL_BLOCKED: &str = "still blocked";

fn failed(value: &JsValue) -> IdbError {
    IdbError::Failed(super::describe_js_error(value))
}

/// The reason a settled request failed, from its `error` attribute.
fn request_error(request: &IdbRequest) -> IdbError {
    match request.error() {
        Ok(Some(exception)) => IdbError::Failed(exception.name()),
        Ok(None) => IdbError::Failed("unknown error".to_owned()),
        Err(value) => failed(&value),
    }
}

/// Waits for `request` to succeed and returns its `result`.
pub async fn request_result(request: &IdbRequest) -> Result<JsValue, IdbError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let settled = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match settled {
        Ok(_) => request.result().map_err(|value| failed(&value)),
        Err(_) => Err(request_error(request)),
    }
}

/// Waits for `transaction` to commit (an abort or error is an error).
pub async fn transaction_done(transaction: &IdbTransaction) -> Result<(), IdbError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    });
    let settled = JsFuture::from(promise).await;
    transaction.set_oncomplete(None);
    transaction.set_onerror(None);
    transaction.set_onabort(None);
    settled.map(|_| ()).map_err(|_| {
        IdbError::Failed(
            transaction
                .error()
                .map_or_else(|| "transaction aborted".to_owned(), |e| e.name()),
        )
    })
}

/// Opens database `name` at `version`; `upgrade` runs when it is new or older, with the
/// database to create object stores in. The connection closes itself when a newer version
/// asks for the database, so it never holds up an upgrade in another tab.
pub async fn open(
    name: &str,
    version: u32,
    upgrade: impl Fn(&IdbDatabase) -> Result<(), JsValue> + 'static,
) -> Result<IdbDatabase, IdbError> {
    let factory = web_sys::window()
        .ok_or_else(|| IdbError::Unavailable("not running in a browser page".to_owned()))?
        .indexed_db()
        .map_err(|value| IdbError::Unavailable(super::describe_js_error(&value)))?
        .ok_or_else(|| IdbError::Unavailable("this browser offers none".to_owned()))?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(name, version)
        .map_err(|value| IdbError::Unavailable(super::describe_js_error(&value)))?;

    let on_upgrade = {
        let request = request.clone();
        Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |_event: IdbVersionChangeEvent| {
            let database = request
                .result()
                .ok()
                .and_then(|result| result.dyn_into::<IdbDatabase>().ok());
            if let Some(database) = database {
                // A failed upgrade aborts its transaction, which fails the open request.
                if upgrade(&database).is_err() {
                    if let Some(transaction) = request.transaction() {
                        let _ = transaction.abort();
                    }
                }
            }
        })
    };
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let settle = Rc::new(RefCell::new(None::<Function>));
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
        *settle.borrow_mut() = Some(reject);
    });
    // "blocked" also comes while other connections are still closing (each closes on
    // `versionchange`): only one that holds on for BLOCKED_GRACE_MS stops the wait.
    let grace = Rc::new(RefCell::new(None::<Timeout>));
    let on_blocked = {
        let grace = grace.clone();
        Closure::<dyn FnMut()>::new(move || {
            let reject = settle.borrow().clone();
            let mut grace = grace.borrow_mut();
            if let (Some(reject), None) = (reject, grace.as_ref()) {
                *grace = Some(Timeout::new(BLOCKED_GRACE_MS, move || {
                    let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(STILL_BLOCKED));
                }));
            }
        })
    };
    request.set_onblocked(Some(on_blocked.as_ref().unchecked_ref()));
    let settled = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    request.set_onblocked(None);
    drop(grace.borrow_mut().take());
    drop(on_blocked);
    match settled {
        Ok(_) => {}
        Err(value) if value.as_string().as_deref() == Some(STILL_BLOCKED) => {
            // The request stays pending and upgrades once the other tab lets go: its
            // upgrade handler must still be there then (without one the new version
            // would be committed without its object stores).
            on_upgrade.forget();
            return Err(IdbError::Blocked);
        }
        Err(_) => return Err(request_error(&request)),
    }
    request.set_onupgradeneeded(None);
    drop(on_upgrade);
    let database = request
        .result()
        .map_err(|value| failed(&value))?
        .dyn_into::<IdbDatabase>()
        .map_err(|_| IdbError::Failed("open returned no database".to_owned()))?;
    close_on_version_change(&database);
    Ok(database)
}

/// Lets a newer version of the app (another tab) upgrade the database: this connection
/// closes when asked, and its later requests fail (as a database that went away).
fn close_on_version_change(database: &IdbDatabase) {
    let closing = database.clone();
    let on_version_change = Closure::once_into_js(move || closing.close());
    database.set_onversionchange(Some(on_version_change.unchecked_ref()));
}
