//! This browser's long-term MLS identity, the certificate chain its organisation issued for
//! it, and the keys it has met, in IndexedDB.
//!
//! Database `conclave` (version 2), three object stores:
//! - `identity`: under the key `"self"`, the bytes of `Identity::to_stored()` (a
//!   `Uint8Array`). The signature key stays in this browser profile; it never leaves
//!   the page except as the public key inside the MLS credential.
//! - `seen_keys`: fingerprint hex → `{ display_name, first_seen }` (first_seen in ms
//!   since 1970), one entry per member met in any meeting, written once.
//! - `certificates` (since version 2): under `"self"`, `{ chain: [Uint8Array DER, ...],
//!   stored_at }` (leaf first, then the organisation's CA certificate; stored_at in ms since
//!   1970), written by the enrollment page. It is used only while it vouches for the
//!   stored identity's key; a new identity deletes it.
//!
//! Upgrading from version 1 creates only the missing `certificates` store: the identity
//! and the keys met stay as they were. Every connection closes when a newer version asks
//! for the database; an older tab that does not (version 1 builds) makes the open fail
//! after a short grace ([`IdbError::Blocked`]) rather than wait for it: a meeting then
//! runs with a key in memory, and the page says so.
//!
//! If IndexedDB is unavailable (some private modes), the identity lives in memory for
//! this meeting only and the page says so; nothing is marked "seen before".

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use conclave_group::verified_identity::{check_issued_chain, ChainRefusal};
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
const VERSION: u32 = 2;
const IDENTITY_STORE: &str = "identity";
const SEEN_KEYS_STORE: &str = "seen_keys";
const CERTIFICATES_STORE: &str = "certificates";
/// The key of this browser's own entry in the identity and certificates stores.
const IDENTITY_KEY: &str = "self";
/// The `seen_keys` record's property naming the organisation that last verified the key.
const VERIFIED_BY: &str = "verified_by";

/// This browser's identity, ready for a meeting.
pub struct LoadedIdentity {
    /// The signature key pair behind our MLS credential.
    pub identity: Identity,
    /// Whether it is kept in IndexedDB (false: in memory for this meeting only).
    pub remembered: bool,
    /// The certificate chain (DER, leaf first) the organisation issued for this identity's
    /// key, if one is stored and still checks out (`check_issued_chain`: this key, the
    /// organisation's signature, within validity). Revocation and the meeting's pinned
    /// organisations are checked by the meeting, not here.
    pub certificate_chain: Option<Vec<Vec<u8>>>,
    /// Why a stored chain was not taken (expired, for another key...), for the
    /// enrollment page to say.
    pub dropped_certificate: Option<ChainRefusal>,
    /// Fingerprints (hex) met in earlier meetings, as stored when this one began.
    pub seen_before: HashSet<String>,
    /// Fingerprints (hex) met verified in earlier meetings, with the organisation that last
    /// verified each: one not verified now is shown with a warning.
    pub verified_before: HashMap<String, String>,
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
    match load_remembered_identity().await {
        Ok(loaded) => Ok(loaded),
        Err(error) => {
            gloo::console::warn!(format!(
                "Conclave: this browser's key is not remembered ({error})"
            ));
            Ok(LoadedIdentity {
                identity: Identity::generate()?,
                remembered: false,
                certificate_chain: None,
                dropped_certificate: None,
                seen_before: HashSet::new(),
                verified_before: HashMap::new(),
                seen_keys: SeenKeys::in_memory(),
            })
        }
    }
}

/// Why this browser's identity could not be loaded from (or kept in) IndexedDB.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityStoreError {
    /// IndexedDB is unavailable, blocked, or a request failed.
    #[error(transparent)]
    Idb(#[from] IdbError),
    /// No key could be made.
    #[error("no key could be made: {0}")]
    Group(#[from] GroupError),
}

/// Loads this browser's identity from IndexedDB, or makes and stores one there; unlike
/// [`load_identity`], never an identity that would not be remembered (the enrollment page
/// must not enroll a key that is gone with the page).
pub async fn load_remembered_identity() -> Result<LoadedIdentity, IdentityStoreError> {
    let database = open_database().await?;
    let stored = read_stored(&database).await?;
    let identity = match stored
        .identity
        .as_deref()
        .map(|bytes| Identity::from_stored(bytes))
    {
        Some(Ok(identity)) => identity,
        // Nothing stored yet, or unreadable (then replaced: it could not sign anyway).
        unusable => store_new_identity(&database, unusable.is_some()).await?,
    };
    let (certificate_chain, dropped_certificate) =
        match certificate_for(&identity, stored.certificate, now_unix_secs()) {
            Ok(chain) => (chain, None),
            Err(refusal) => {
                // The reason only: the chain names a person.
                gloo::console::warn!(format!(
                    "Conclave: the stored certificate is not used ({refusal})"
                ));
                (None, Some(refusal))
            }
        };
    Ok(LoadedIdentity {
        identity,
        remembered: true,
        certificate_chain,
        dropped_certificate,
        seen_before: stored.seen_before.clone(),
        verified_before: stored.verified_before.clone(),
        seen_keys: SeenKeys::in_database(database, stored.seen_before, stored.verified_before),
    })
}

/// The stored chain if it vouches for `identity`'s key at `now_unix_secs`.
fn certificate_for(
    identity: &Identity,
    stored: StoredCertificate,
    now_unix_secs: u64,
) -> Result<Option<Vec<Vec<u8>>>, ChainRefusal> {
    match stored {
        StoredCertificate::None => Ok(None),
        StoredCertificate::Unreadable => Err(ChainRefusal::Malformed),
        StoredCertificate::Chain(chain) => {
            check_issued_chain(&chain, identity.public_key(), now_unix_secs)?;
            Ok(Some(chain))
        }
    }
}

/// Stores `chain` (DER, leaf first) as this browser's certificate chain, in place of any
/// earlier one. The caller checked it (`check_issued_chain` with this browser's key); a
/// meeting checks it again when the identity is loaded.
pub async fn store_certificate_chain(chain: &[Vec<u8>]) -> Result<(), IdbError> {
    let database = open_database().await?;
    let record = Object::new();
    let der = chain
        .iter()
        .map(|certificate| JsValue::from(Uint8Array::from(certificate.as_slice())))
        .collect::<Array>();
    Reflect::set(&record, &JsValue::from_str("chain"), &der).map_err(js_failed)?;
    Reflect::set(
        &record,
        &JsValue::from_str("stored_at"),
        &JsValue::from_f64(js_sys::Date::now()),
    )
    .map_err(js_failed)?;
    let transaction = database
        .transaction_with_str_and_mode(CERTIFICATES_STORE, IdbTransactionMode::Readwrite)
        .map_err(js_failed)?;
    store(&transaction, CERTIFICATES_STORE)?
        .put_with_key(&record, &JsValue::from_str(IDENTITY_KEY))
        .map_err(js_failed)?;
    let written = idb::transaction_done(&transaction).await;
    database.close();
    written
}

/// Removes this browser's certificate chain (nothing to remove is fine).
pub async fn remove_certificate_chain() -> Result<(), IdbError> {
    let database = open_database().await?;
    let transaction = database
        .transaction_with_str_and_mode(CERTIFICATES_STORE, IdbTransactionMode::Readwrite)
        .map_err(js_failed)?;
    store(&transaction, CERTIFICATES_STORE)?
        .delete(&JsValue::from_str(IDENTITY_KEY))
        .map_err(js_failed)?;
    let removed = idb::transaction_done(&transaction).await;
    database.close();
    removed
}

/// Now, in seconds since 1970 (the browser's clock), as certificate checks take it.
pub fn now_unix_secs() -> u64 {
    // Saturating: a clock before 1970 reads as 0.
    (js_sys::Date::now() / 1000.0) as u64
}

/// Opens the database, creating the stores a new or older (version 1) database lacks.
async fn open_database() -> Result<IdbDatabase, IdbError> {
    idb::open(DATABASE, VERSION, |database| {
        let existing = database.object_store_names();
        for name in [IDENTITY_STORE, SEEN_KEYS_STORE, CERTIFICATES_STORE] {
            if !existing.contains(name) {
                database.create_object_store(name)?;
            }
        }
        Ok(())
    })
    .await
}

/// What is stored under `"self"` in the certificates store.
enum StoredCertificate {
    /// Nothing.
    None,
    /// Something that is not `{ chain: [Uint8Array, ...] }`.
    Unreadable,
    /// The chain's DER certificates, in stored order.
    Chain(Vec<Vec<u8>>),
}

impl StoredCertificate {
    fn from_record(record: &JsValue) -> Self {
        if record.is_undefined() {
            return StoredCertificate::None;
        }
        let chain = Reflect::get(record, &JsValue::from_str("chain"))
            .ok()
            .and_then(|chain| chain.dyn_into::<Array>().ok())
            .and_then(|chain| {
                chain
                    .iter()
                    .map(|der| der.dyn_into::<Uint8Array>().ok().map(|der| der.to_vec()))
                    .collect::<Option<Vec<_>>>()
            });
        chain.map_or(StoredCertificate::Unreadable, StoredCertificate::Chain)
    }
}

/// Everything stored about this browser, read in one transaction.
struct Stored {
    /// The identity's bytes, if any.
    identity: Option<Zeroizing<Vec<u8>>>,
    /// Every fingerprint met before.
    seen_before: HashSet<String>,
    /// The fingerprints met verified before, with the organisation that last verified each.
    verified_before: HashMap<String, String>,
    /// The certificate chain's entry.
    certificate: StoredCertificate,
}

/// The stored identity bytes (if any), every stored fingerprint and the certificate
/// chain, in one transaction.
async fn read_stored(database: &IdbDatabase) -> Result<Stored, IdbError> {
    let names = [IDENTITY_STORE, SEEN_KEYS_STORE, CERTIFICATES_STORE]
        .into_iter()
        .map(JsValue::from_str)
        .collect::<Array>();
    let transaction = database
        .transaction_with_str_sequence(&names)
        .map_err(js_failed)?;
    let identity_request = store(&transaction, IDENTITY_STORE)?
        .get(&JsValue::from_str(IDENTITY_KEY))
        .map_err(js_failed)?;
    let keys_request = store(&transaction, SEEN_KEYS_STORE)?
        .get_all_keys()
        .map_err(js_failed)?;
    let records_request = store(&transaction, SEEN_KEYS_STORE)?
        .get_all()
        .map_err(js_failed)?;
    let certificate_request = store(&transaction, CERTIFICATES_STORE)?
        .get(&JsValue::from_str(IDENTITY_KEY))
        .map_err(js_failed)?;
    let identity = idb::request_result(&identity_request).await?;
    let keys = idb::request_result(&keys_request).await?;
    let records = idb::request_result(&records_request).await?;
    let certificate = idb::request_result(&certificate_request).await?;

    let identity = identity.dyn_into::<Uint8Array>().ok().map(|array| {
        let bytes = Zeroizing::new(array.to_vec());
        array.fill(0, 0, array.length());
        bytes
    });
    let keys: Vec<String> = keys
        .dyn_into::<Array>()
        .map(|keys| keys.iter().filter_map(|key| key.as_string()).collect())
        .unwrap_or_default();
    // `getAll` and `getAllKeys` of one store in one transaction come in the same order.
    let records: Vec<JsValue> = records
        .dyn_into::<Array>()
        .map(|records| records.iter().collect())
        .unwrap_or_default();
    let verified_before = keys
        .iter()
        .zip(&records)
        .filter_map(|(key, record)| {
            Reflect::get(record, &JsValue::from_str(VERIFIED_BY))
                .ok()?
                .as_string()
                .map(|organisation| (key.clone(), organisation))
        })
        .collect();
    Ok(Stored {
        identity,
        seen_before: keys.into_iter().collect(),
        verified_before,
        certificate: StoredCertificate::from_record(&certificate),
    })
}

/// Makes an identity and stores it, deleting any certificate chain in the same
/// transaction (it was for the old key). If another tab stored one meanwhile (`add` finds
/// the key taken), that one is used instead, so every tab of this browser agrees.
async fn store_new_identity(
    database: &IdbDatabase,
    replace: bool,
) -> Result<Identity, IdentityStoreError> {
    let identity = Identity::generate()?;
    let bytes = identity.to_stored();
    let array = Uint8Array::from(bytes.as_slice());
    let transaction = database
        .transaction_with_str_sequence_and_mode(
            &Array::of2(
                &JsValue::from_str(IDENTITY_STORE),
                &JsValue::from_str(CERTIFICATES_STORE),
            ),
            IdbTransactionMode::Readwrite,
        )
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
        Ok(_) => match store(&transaction, CERTIFICATES_STORE)?.delete(&key) {
            Ok(_) => idb::transaction_done(&transaction).await,
            Err(value) => {
                // Never the new key beside the old key's certificate.
                let _ = transaction.abort();
                Err(js_failed(value))
            }
        },
        Err(value) => Err(js_failed(value)),
    };
    match written {
        Ok(()) => Ok(identity),
        Err(error) => {
            let stored = read_stored(database).await?;
            match stored
                .identity
                .as_deref()
                .map(|bytes| Identity::from_stored(bytes))
            {
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
    /// The organisation stored as having verified each key, to write only changes.
    verified_by: HashMap<String, String>,
}

impl SeenKeys {
    fn in_database(
        database: IdbDatabase,
        recorded: HashSet<String>,
        verified_by: HashMap<String, String>,
    ) -> Self {
        Self {
            database: Some(Rc::new(database)),
            recorded,
            verified_by,
        }
    }

    fn in_memory() -> Self {
        Self {
            database: None,
            recorded: HashSet::new(),
            verified_by: HashMap::new(),
        }
    }

    /// Stores every other member of `group` not stored yet (in the background; a
    /// failed write only means the key is not marked next time).
    pub fn record_members(&mut self, group: &GroupView) {
        self.record_verified(group);
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

impl SeenKeys {
    /// Stores, for each member verified now, the organisation that verifies it, when that
    /// changed (a later meeting warns if the key is not verified there).
    fn record_verified(&mut self, group: &GroupView) {
        for member in group.remote_members() {
            let Some(person) = member.verification.verified() else {
                continue;
            };
            if self.verified_by.get(&member.fingerprint_hex) == Some(&person.organisation) {
                continue;
            }
            self.verified_by
                .insert(member.fingerprint_hex.clone(), person.organisation.clone());
            let Some(database) = self.database.clone() else {
                continue;
            };
            let fingerprint = member.fingerprint_hex.clone();
            let display_name = member.display_name.clone();
            let organisation = person.organisation.clone();
            spawn_local(async move {
                if let Err(error) =
                    put_verified_by(&database, &fingerprint, &display_name, &organisation).await
                {
                    gloo::console::warn!(format!(
                        "Conclave: could not remember a verified key: {error}"
                    ))
                }
            });
        }
    }
}

/// Sets `verified_by` on a key's `seen_keys` record (made if missing), keeping the rest.
async fn put_verified_by(
    database: &IdbDatabase,
    fingerprint: &str,
    display_name: &str,
    organisation: &str,
) -> Result<(), IdbError> {
    let transaction = database
        .transaction_with_str_and_mode(SEEN_KEYS_STORE, IdbTransactionMode::Readwrite)
        .map_err(js_failed)?;
    let seen = store(&transaction, SEEN_KEYS_STORE)?;
    let key = JsValue::from_str(fingerprint);
    let existing = idb::request_result(&seen.get(&key).map_err(js_failed)?).await?;
    let entry = existing
        .dyn_into::<Object>()
        .unwrap_or_else(|_| Object::new());
    let set = |name: &str, value: &JsValue| {
        Reflect::set(&entry, &JsValue::from_str(name), value).map_err(js_failed)
    };
    if Reflect::get(&entry, &JsValue::from_str("first_seen"))
        .map_or(true, |value| value.is_undefined())
    {
        set("display_name", &JsValue::from_str(display_name))?;
        set("first_seen", &JsValue::from_f64(js_sys::Date::now()))?;
    }
    set(VERIFIED_BY, &JsValue::from_str(organisation))?;
    seen.put_with_key(&entry, &key).map_err(js_failed)?;
    idb::transaction_done(&transaction).await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_chain_that_checks_out_for_the_key_is_taken() {
        let identity = Identity::generate().unwrap();
        let now = 1_800_000_000;
        assert_eq!(
            certificate_for(&identity, StoredCertificate::None, now),
            Ok(None)
        );
        assert_eq!(
            certificate_for(&identity, StoredCertificate::Unreadable, now),
            Err(ChainRefusal::Malformed)
        );
        let not_a_chain = StoredCertificate::Chain(vec![vec![0x30, 0x00], vec![0x30, 0x00]]);
        assert_eq!(
            certificate_for(&identity, not_a_chain, now),
            Err(ChainRefusal::Malformed)
        );
    }
}
