//! Splitting a PEM text into its blocks (a bundle of CRLs, certificates).

/// Most blocks in one PEM text.
const BLOCKS_MAX: usize = 64;

use crate::error::IdentityError;

/// The `-----BEGIN ...-----` ... `-----END ...-----` blocks of a PEM text.
pub fn pem_blocks(pem: &str) -> Result<Vec<String>, IdentityError> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in pem.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN ") {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
        if line.starts_with("-----END ") {
            blocks.extend(current.take());
            if blocks.len() > BLOCKS_MAX {
                return Err(IdentityError::InputTooLarge);
            }
        }
    }
    if blocks.is_empty() || current.is_some() {
        return Err(IdentityError::EncodingInvalid);
    }
    Ok(blocks)
}
