//! This browser's long-term MLS identity and the keys it has met, in IndexedDB.
//!
//! Database `conclave` (version 1), two object stores:
//! - `identity`: under the key `"self"`, the bytes of `Identity::to_stored()` (a
//!   `Uint8Array`). The signature key stays in this browser profile; it never leaves
//!   the page except as the public key inside the MLS credential.
//! - `seen_keys`: fingerprint hex → `{ display_name, first_seen }` (first_seen in ms
//!   since 1970), one entry per member met in any meeting, written once.
//!
//! If IndexedDB is unavailable (some private modes), the identity lives in memory for
//! this meeting only and the page says so; nothing is marked "seen before".

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use conclave_group::{GroupError, Identity};
use futures_channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{IdbDatabase, IdbObjectStore, IdbTransactionMode};
use zeroize::Zeroizing;

use super::idb::{self, IdbError};
use crate::roster::GroupView;

const DATABASE: &str = "conclave";
const VERSION: u32 = 1;
const IDENTITY_STORE: &str = "identity";
const SEEN_KEYS_STORE: &str = "seen_keys";
const IDENTITY_KEY: &str = "self";

/// This browser's identity, ready for a meeting.
pub struct LoadedIdentity {
    /// The signature key pair behind our MLS credential.
    pub identity: Identity,
    /// Whether it is kept in IndexedDB (false: in memory for this meeting only).
    pub remembered: bool,
    /// Fingerprints (hex) met in earlier meetings, as stored when this one began.
    pub seen_before: HashSet<String>,
    /// Where to record the keys met in this meeting.
    pub seen_keys: SeenKeys,
}

thread_local! {
    /// The identity being loaded ahead of joining ([`preload_identity`]), not yet taken.
    static PRELOADED: RefCell<Option<oneshot::Receiver<Result<LoadedIdentity, GroupError>>>> =
        const { RefCell::new(None) };
}

/// Starts loading this browser's identity ahead of joining (in the lobby), so joining
/// does not wait for IndexedDB. Does nothing if one is loaded or loading already.
pub fn preload_identity() {
    PRELOADED.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_some() {
            return;
        }
        let (sender, receiver) = oneshot::channel();
        *slot = Some(receiver);
        spawn_local(async move {
            // Nobody listens any more if it was discarded: the identity is dropped.
            let _ = sender.send(load_identity().await);
        });
    });
}

/// Drops the identity loaded ahead of joining, if nobody took it.
pub fn discard_preloaded_identity() {
    let discarded = PRELOADED.with(|slot| slot.borrow_mut().take());
    drop(discarded);
}

/// This browser's identity for a meeting: the one loaded ahead of joining if there is
/// one, else [`load_identity`] now.
pub async fn take_identity() -> Result<LoadedIdentity, GroupError> {
    let preloaded = PRELOADED.with(|slot| slot.borrow_mut().take());
    if let Some(receiver) = preloaded {
        if let Ok(loaded) = receiver.await {
            return loaded;
        }
    }
    load_identity().await
}

/// Loads this browser's identity, or makes and stores one. Falls back to a fresh
/// in-memory identity when IndexedDB fails; fails only if no key can be made at all.
pub async fn load_identity() -> Result<LoadedIdentity, GroupError> {
    match load_from_database().await {
        Ok(loaded) => Ok(loaded),
        Err(error) => {
            gloo::console::warn!(format!(
                "Conclave: this browser's key is not remembered ({error})"
            ));
            Ok(LoadedIdentity {
                identity: Identity::generate()?,
                remembered: false,
                seen_before: HashSet::new(),
                seen_keys: SeenKeys::in_memory(),
            })
        }
    }
}

/// Why the stored identity could not be used.
#[derive(Debug, thiserror::Error)]
enum LoadError {
    #[error(transparent)]
    Idb(#[from] IdbError),
    #[error("no key could be made: {0}")]
    Group(#[from] GroupError),
}

async fn load_from_database() -> Result<LoadedIdentity, LoadError> {
    let database = idb::open(DATABASE, VERSION, |database| {
        let existing = database.object_store_names();
        for name in [IDENTITY_STORE, SEEN_KEYS_STORE] {
            if !existing.contains(name) {
                database.create_object_store(name)?;
            }
        }
        Ok(())
    })
    .await?;

    let (stored, seen_before) = read_stored(&database).await?;
    let identity = match stored.as_deref().map(|bytes| Identity::from_stored(bytes)) {
        Some(Ok(identity)) => identity,
        // Nothing stored yet, or unreadable (then replaced: it could not sign anyway).
        stored => store_new_identity(&database, stored.is_some()).await?,
    };
    Ok(LoadedIdentity {
        identity,
        remembered: true,
        seen_before: seen_before.clone(),
        seen_keys: SeenKeys::in_database(database, seen_before),
    })
}

/// The stored identity bytes (if any) and every stored fingerprint, in one transaction.
async fn read_stored(
    database: &IdbDatabase,
) -> Result<(Option<Zeroizing<Vec<u8>>>, HashSet<String>), IdbError> {
    let transaction = database
        .transaction_with_str_sequence(&Array::of2(
            &JsValue::from_str(IDENTITY_STORE),
            &JsValue::from_str(SEEN_KEYS_STORE),
        ))
        .map_err(js_failed)?;
    let identity_request = store(&transaction, IDENTITY_STORE)?
        .get(&JsValue::from_str(IDENTITY_KEY))
        .map_err(js_failed)?;
    let keys_request = store(&transaction, SEEN_KEYS_STORE)?
        .get_all_keys()
        .map_err(js_failed)?;
    let identity = idb::request_result(&identity_request).await?;
    let keys = idb::request_result(&keys_request).await?;

    let stored = identity.dyn_into::<Uint8Array>().ok().map(|array| {
        let bytes = Zeroizing::new(array.to_vec());
        array.fill(0, 0, array.length());
        bytes
    });
    let seen = keys
        .dyn_into::<Array>()
        .map(|keys| keys.iter().filter_map(|key| key.as_string()).collect())
        .unwrap_or_default();
    Ok((stored, seen))
}

/// Makes an identity and stores it. If another tab stored one meanwhile (`add` finds
/// the key taken), that one is used instead, so every tab of this browser agrees.
async fn store_new_identity(database: &IdbDatabase, replace: bool) -> Result<Identity, LoadError> {
    let identity = Identity::generate()?;
    let bytes = identity.to_stored();
    let array = Uint8Array::from(bytes.as_slice());
    let transaction = database
        .transaction_with_str_and_mode(IDENTITY_STORE, IdbTransactionMode::Readwrite)
        .map_err(js_failed)?;
    let identity_store = store(&transaction, IDENTITY_STORE)?;
    let key = JsValue::from_str(IDENTITY_KEY);
    let request = if replace {
        identity_store.put_with_key(&array, &key)
    } else {
        identity_store.add_with_key(&array, &key)
    };
    // The request cloned the bytes (or failed); wipe the page's JavaScript copy.
    array.fill(0, 0, array.length());
    let written = match request {
        Ok(_) => idb::transaction_done(&transaction).await,
        Err(value) => Err(js_failed(value)),
    };
    match written {
        Ok(()) => Ok(identity),
        Err(error) => {
            let (stored, _) = read_stored(database).await?;
            match stored.as_deref().map(|bytes| Identity::from_stored(bytes)) {
                Some(Ok(theirs)) => Ok(theirs),
                _ => Err(error.into()),
            }
        }
    }
}

fn store(transaction: &web_sys::IdbTransaction, name: &str) -> Result<IdbObjectStore, IdbError> {
    transaction.object_store(name).map_err(js_failed)
}

fn js_failed(value: JsValue) -> IdbError {
    IdbError::Failed(super::describe_js_error(&value))
}

/// Records the fingerprints of the members met in this meeting (each once).
pub struct SeenKeys {
    database: Option<Rc<IdbDatabase>>,
    recorded: HashSet<String>,
}

impl SeenKeys {
    fn in_database(database: IdbDatabase, recorded: HashSet<String>) -> Self {
        Self {
            database: Some(Rc::new(database)),
            recorded,
        }
    }

    fn in_memory() -> Self {
        Self {
            database: None,
            recorded: HashSet::new(),
        }
    }

    /// Stores every other member of `group` not stored yet (in the background; a
    /// failed write only means the key is not marked next time).
    pub fn record_members(&mut self, group: &GroupView) {
        for member in group.remote_members() {
            if !self.recorded.insert(member.fingerprint_hex.clone()) {
                continue;
            }
            let Some(database) = self.database.clone() else {
                continue;
            };
            let fingerprint = member.fingerprint_hex.clone();
            let display_name = member.display_name.clone();
            spawn_local(async move {
                match add_seen_key(&database, &fingerprint, &display_name).await {
                    Ok(()) => {}
                    // Another tab of this browser stored it first: fine.
                    Err(IdbError::Failed(name)) if name == "ConstraintError" => {}
                    Err(error) => {
                        gloo::console::warn!(format!("Conclave: could not remember a key: {error}"))
                    }
                }
            });
        }
    }
}

impl Drop for SeenKeys {
    fn drop(&mut self) {
        // Pending writes hold their own handle; closing lets them finish first.
        if let Some(database) = self.database.take() {
            database.close();
        }
    }
}

async fn add_seen_key(
    database: &IdbDatabase,
    fingerprint: &str,
    display_name: &str,
) -> Result<(), IdbError> {
    let entry = Object::new();
    let set = |key: &str, value: &JsValue| {
        Reflect::set(&entry, &JsValue::from_str(key), value).map_err(js_failed)
    };
    set("display_name", &JsValue::from_str(display_name))?;
    set("first_seen", &JsValue::from_f64(js_sys::Date::now()))?;
    let transaction = database
        .transaction_with_str_and_mode(SEEN_KEYS_STORE, IdbTransactionMode::Readwrite)
        .map_err(js_failed)?;
    // `add`, not `put`: an entry another tab wrote first keeps its first_seen.
    store(&transaction, SEEN_KEYS_STORE)?
        .add_with_key(&entry, &JsValue::from_str(fingerprint))
        .map_err(js_failed)?;
    idb::transaction_done(&transaction).await
}
