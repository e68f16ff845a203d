//! Random bytes from the browser's CSPRNG (`crypto.getRandomValues`).

use zeroize::Zeroize;

use crate::invite::{InviteSecret, SECRET_BYTES};

/// The browser offered no secure random source.
#[derive(Debug, thiserror::Error)]
#[error("this browser offers no secure random number generator")]
pub struct NoSecureRandom;

/// A fresh invite secret: 32 bytes from `crypto.getRandomValues`.
pub fn new_invite_secret() -> Result<InviteSecret, NoSecureRandom> {
    let crypto = web_sys::window()
        .ok_or(NoSecureRandom)?
        .crypto()
        .map_err(|_| NoSecureRandom)?;
    let mut bytes = [0u8; SECRET_BYTES];
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| NoSecureRandom)?;
    let secret = InviteSecret::from_bytes(bytes);
    bytes.zeroize();
    Ok(secret)
}
