//! Headless Conclave participants: programs that speak Conclave's protocols without a
//! browser, for benchmarks and for tests that need more participants than Chromium
//! instances fit on one machine.
//!
//! - [`signaling`]: a minimal native client of the signaling protocol
//!   (`conclave-protocol`): create a room, open its WebSocket, join, send and receive.
//! - [`member`]: headless meeting members (the page's MLS group and signaling, no media)
//!   behind `conclave-headless-members`, for meetings larger than Chromium fits.
//! - [`load`]: the signaling load generator behind `conclave-signaling-load` (many
//!   connections in many rooms relaying timestamped `signal`s at a steady rate), with
//!   what it measures of the server (`/proc`) and its report.

pub mod load;
pub mod member;
pub mod signaling;
