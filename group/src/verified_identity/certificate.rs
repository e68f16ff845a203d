//! One certificate read (RFC 5280 section 4.1) and the Ed25519 signature check (RFC 8410).
