//! The CA's certificate revocation list (RFC 5280 section 5).
