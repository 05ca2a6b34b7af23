//! C2SP signed-note: a text ending in a newline, a blank line, then signature lines
//! `— <key name> base64(key id || signature)`; Ed25519 signatures (type 0x01) only.
//!
//! The key id is the first four bytes of `SHA-256(name || 0x0A || 0x01 || public key)`,
//! big-endian; a verifier key is written `<name>+<hex key id>+<base64(0x01 || public key)>`.
//! Verification follows the specification: signatures of unknown keys are ignored, a
//! signature of a known key that fails refuses the whole note, and a note with no verified
//! signature of a known key is refused.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::error::NoteError;

/// Largest note read (a checkpoint is about 200 bytes plus 100 per signature).
pub const NOTE_BYTES_MAX: usize = 16 * 1024;
/// Most signature lines read (the specification asks for at least 16).
pub const SIGNATURES_MAX: usize = 100;
/// The signature type byte of Ed25519.
pub const ED25519_TYPE: u8 = 0x01;
/// Bytes of an Ed25519 public key and signature.
pub const ED25519_KEY_BYTES: usize = 32;
pub const ED25519_SIGNATURE_BYTES: usize = 64;
/// What starts a signature line: em dash and space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// Key names are non-empty and hold no Unicode space and no `+`.
pub fn check_key_name(name: &str) -> Result<(), NoteError> {
    let valid = !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+');
    if valid {
        Ok(())
    } else {
        Err(NoteError::KeyNameInvalid)
    }
}

/// `SHA-256(name || 0x0A || 0x01 || public key)[:4]`, big-endian.
pub fn ed25519_key_id(name: &str, public_key: &[u8; ED25519_KEY_BYTES]) -> u32 {
    let digest: [u8; 32] = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([0x0A, ED25519_TYPE])
        .chain_update(public_key)
        .finalize()
        .into();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// A trusted Ed25519 key of a log: its name, id and public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub key_id: u32,
    pub public_key: [u8; ED25519_KEY_BYTES],
}

impl VerifierKey {
    /// The key of `name` with this public key (its id computed).
    pub fn ed25519(name: &str, public_key: [u8; ED25519_KEY_BYTES]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        Ok(Self { name: name.to_owned(), key_id: ed25519_key_id(name, &public_key), public_key })
    }

    /// Parses `<name>+<8 hex digits>+<base64(0x01 || 32-byte key)>`; the id must be the
    /// one the name and key hash to.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        let malformed = NoteError::VerifierKeyMalformed;
        // The base64 key may hold `+` itself: only the first two `+` separate.
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(malformed);
        };
        check_key_name(name)?;
        let id_valid = id.len() == 8 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let key_id =
            u32::from_str_radix(id, 16).ok().filter(|_| id_valid).ok_or(malformed.clone())?;
        let key = STANDARD.decode(key).map_err(|_| malformed.clone())?;
        let (key_type, public_key) = key.split_first().ok_or(malformed.clone())?;
        if *key_type != ED25519_TYPE {
            return Err(NoteError::KeyTypeUnsupported { key_type: *key_type });
        }
        let public_key: [u8; ED25519_KEY_BYTES] = public_key.try_into().map_err(|_| malformed)?;
        let parsed = Self::ed25519(name, public_key)?;
        if parsed.key_id != key_id {
            return Err(NoteError::KeyIdMismatch);
        }
        Ok(parsed)
    }

    /// The `vkey` form of [`VerifierKey::parse`].
    pub fn encode(&self) -> String {
        let mut key = vec![ED25519_TYPE];
        key.extend_from_slice(&self.public_key);
        format!("{}+{:08x}+{}", self.name, self.key_id, STANDARD.encode(key))
    }

    fn verifies(&self, text: &str, signature: &[u8]) -> bool {
        let (Ok(public_key), Ok(signature)) = (
            ed25519_compact::PublicKey::from_slice(&self.public_key),
            ed25519_compact::Signature::from_slice(signature),
        ) else {
            return false;
        };
        public_key.verify(text.as_bytes(), &signature).is_ok()
    }
}

/// One signature line as read: the key's name and id, and the signature bytes after the id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub key_name: String,
    pub key_id: u32,
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line `— <name> base64(id || signature)` with its newline.
    pub fn line(&self) -> String {
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.signature);
        format!("{SIGNATURE_PREFIX}{} {}\n", self.key_name, STANDARD.encode(bytes))
    }
}

/// A note split into its text (with its final newline) and its signature lines, unverified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note<'a> {
    pub text: &'a str,
    pub signatures: Vec<NoteSignature>,
}

impl<'a> Note<'a> {
    /// Splits a note at its last blank line; every line after it must be a signature line.
    pub fn parse(note: &'a str) -> Result<Self, NoteError> {
        if note.len() > NOTE_BYTES_MAX {
            return Err(NoteError::NoteTooLarge { bytes: note.len() });
        }
        if note.chars().any(|c| c.is_control() && c != '\n' && (c as u32) < 0x20) {
            return Err(NoteError::NoteMalformed);
        }
        let body = note.strip_suffix('\n').ok_or(NoteError::NoteMalformed)?;
        let split = body.rfind("\n\n").ok_or(NoteError::NoteMalformed)?;
        let (text, lines) = (&note[..split + 1], &body[split + 2..]);
        let signatures: Vec<NoteSignature> =
            lines.split('\n').map(parse_signature_line).collect::<Result<_, _>>()?;
        if signatures.len() > SIGNATURES_MAX {
            return Err(NoteError::TooManySignatures { count: signatures.len() });
        }
        Ok(Self { text, signatures })
    }

    /// Checks the signatures against the trusted keys (see the module's rules) and returns
    /// the names of the keys that signed.
    pub fn verify(&self, keys: &[VerifierKey]) -> Result<Vec<String>, NoteError> {
        let mut verified: Vec<String> = Vec::new();
        for signature in &self.signatures {
            let mut known = keys
                .iter()
                .filter(|key| key.name == signature.key_name && key.key_id == signature.key_id);
            let Some(key) = known.next() else { continue };
            if known.next().is_some() {
                return Err(NoteError::KeyAmbiguous);
            }
            if !key.verifies(self.text, &signature.signature) {
                return Err(NoteError::SignatureInvalid { key_name: key.name.clone() });
            }
            if !verified.contains(&key.name) {
                verified.push(key.name.clone());
            }
        }
        if verified.is_empty() {
            return Err(NoteError::NoTrustedSignature);
        }
        Ok(verified)
    }
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, NoteError> {
    let malformed = NoteError::NoteMalformed;
    let rest = line.strip_prefix(SIGNATURE_PREFIX).ok_or(malformed.clone())?;
    let (name, encoded) = rest.split_once(' ').ok_or(malformed.clone())?;
    check_key_name(name).map_err(|_| malformed.clone())?;
    let bytes = STANDARD.decode(encoded).map_err(|_| malformed.clone())?;
    if bytes.len() < 5 {
        return Err(malformed);
    }
    Ok(NoteSignature {
        key_name: name.to_owned(),
        key_id: u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
        signature: bytes[4..].to_vec(),
    })
}

/// A signed note: the text and its signature lines (what a signer publishes).
pub fn format_note(text: &str, signatures: &[NoteSignature]) -> Result<String, NoteError> {
    if text.is_empty() || !text.ends_with('\n') || signatures.is_empty() {
        return Err(NoteError::NoteMalformed);
    }
    let mut note = format!("{text}\n");
    for signature in signatures {
        check_key_name(&signature.key_name)?;
        note.push_str(&signature.line());
    }
    Ok(note)
}
