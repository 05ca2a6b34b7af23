//! Random identifiers (application ids, choice nonces) from the system's CSPRNG.

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::{Error, Result};

/// `bytes` random bytes as lowercase hex.
pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buffer = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut buffer)
        .map_err(|_| Error::internal("the system random source failed"))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}

/// A new application id (128 random bits).
pub fn application_id() -> Result<String> {
    random_hex(16)
}

/// A one-time nonce (256 random bits).
pub fn nonce() -> Result<String> {
    random_hex(32)
}

/// A random number (retry jitter).
pub fn random_u64() -> Result<u64> {
    let mut buffer = [0u8; 8];
    SystemRandom::new()
        .fill(&mut buffer)
        .map_err(|_| Error::internal("the system random source failed"))?;
    Ok(u64::from_le_bytes(buffer))
}
