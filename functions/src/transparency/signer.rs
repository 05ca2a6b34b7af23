//! The log's signing key and the signed checkpoints.
//!
//! The key is one line of text, the form of Go's `golang.org/x/mod/sumdb/note` signer keys,
//! so standard tools read it: `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte
//! Ed25519 seed)>`. Like the session key it comes from configuration (an SSM SecureString in
//! AWS, a generated file locally: [`LogSigner::generate`]). The verifier key, published at
//! `GET /transparency/key`, is [`LogSigner::vkey`].

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_rules::transparency::note::{
    check_key_name, ed25519_key_id, format_note, NoteSignature, ED25519_TYPE,
};
use kezek_rules::transparency::{Checkpoint, VerifierKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};

/// What starts a signer key.
pub const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// Why a signer key cannot be used. `code` is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerError {
    /// Not `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>`.
    KeyMalformed,
    /// The key id is not the one the name and public key hash to.
    KeyIdMismatch,
    /// The system's random source failed (generating a key).
    RandomFailed,
    /// The text to sign is not a note text (empty, or no final newline).
    TextInvalid,
}

impl SignerError {
    pub fn code(self) -> &'static str {
        match self {
            SignerError::KeyMalformed => "log_key_malformed",
            SignerError::KeyIdMismatch => "log_key_id_mismatch",
            SignerError::RandomFailed => "random_failed",
            SignerError::TextInvalid => "note_text_invalid",
        }
    }
}

/// A log's Ed25519 signing key, with its name and key id.
#[derive(Debug)]
pub struct LogSigner {
    verifier: VerifierKey,
    key_pair: Ed25519KeyPair,
}

impl LogSigner {
    /// Reads a signer key (surrounding whitespace, e.g. a file's final newline, ignored).
    pub fn from_key_text(text: &str) -> Result<Self, SignerError> {
        let rest = text.trim().strip_prefix(PRIVATE_KEY_PREFIX).ok_or(SignerError::KeyMalformed)?;
        // The base64 key may hold `+` itself: only the first two `+` separate.
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(SignerError::KeyMalformed);
        };
        check_key_name(name).map_err(|_| SignerError::KeyMalformed)?;
        let id_valid = id.len() == 8 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let key_id = u32::from_str_radix(id, 16)
            .ok()
            .filter(|_| id_valid)
            .ok_or(SignerError::KeyMalformed)?;
        let bytes = STANDARD.decode(key).map_err(|_| SignerError::KeyMalformed)?;
        let seed = match bytes.split_first() {
            Some((&ED25519_TYPE, seed)) if seed.len() == 32 => seed,
            _ => return Err(SignerError::KeyMalformed),
        };
        let key_pair =
            Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| SignerError::KeyMalformed)?;
        let public_key: [u8; 32] =
            key_pair.public_key().as_ref().try_into().map_err(|_| SignerError::KeyMalformed)?;
        if ed25519_key_id(name, &public_key) != key_id {
            return Err(SignerError::KeyIdMismatch);
        }
        let verifier =
            VerifierKey::ed25519(name, public_key).map_err(|_| SignerError::KeyMalformed)?;
        Ok(Self { verifier, key_pair })
    }

    /// A new signer key for `name`, from the system's CSPRNG (for the local generated file).
    pub fn generate(name: &str) -> Result<String, SignerError> {
        check_key_name(name).map_err(|_| SignerError::KeyMalformed)?;
        let mut seed = [0u8; 32];
        SystemRandom::new().fill(&mut seed).map_err(|_| SignerError::RandomFailed)?;
        let key_pair =
            Ed25519KeyPair::from_seed_unchecked(&seed).map_err(|_| SignerError::KeyMalformed)?;
        let public_key: [u8; 32] =
            key_pair.public_key().as_ref().try_into().map_err(|_| SignerError::KeyMalformed)?;
        let mut key = vec![ED25519_TYPE];
        key.extend_from_slice(&seed);
        Ok(format!(
            "{PRIVATE_KEY_PREFIX}{name}+{:08x}+{}",
            ed25519_key_id(name, &public_key),
            STANDARD.encode(key)
        ))
    }

    pub fn verifier_key(&self) -> &VerifierKey {
        &self.verifier
    }

    /// The verifier key in the signed-note `vkey` form.
    pub fn vkey(&self) -> String {
        self.verifier.encode()
    }

    /// The signed note of `text` (which ends in a newline).
    pub fn sign_note(&self, text: &str) -> Result<String, SignerError> {
        let signature = self.key_pair.sign(text.as_bytes()).as_ref().to_vec();
        let line = NoteSignature {
            key_name: self.verifier.name.clone(),
            key_id: self.verifier.key_id,
            signature,
        };
        format_note(text, &[line]).map_err(|_| SignerError::TextInvalid)
    }

    /// The signed checkpoint, as served at `GET /transparency/{region}/{year}/checkpoint`.
    pub fn sign_checkpoint(&self, checkpoint: &Checkpoint) -> Result<String, SignerError> {
        self.sign_note(&checkpoint.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kezek_rules::places::PoolKey;
    use kezek_rules::transparency::{open_checkpoint, pool_origin, Note, NoteError};

    // Go's golang.org/x/mod/sumdb/note TestSign (github.com/golang/mod, note_test.go).
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const SIGNED: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    #[test]
    fn signs_exactly_as_go_note_does() {
        let signer = LogSigner::from_key_text(PETER_SKEY).expect("Go's test key");
        assert_eq!(signer.vkey(), PETER_VKEY);
        assert_eq!(signer.sign_note(TEXT).as_deref(), Ok(SIGNED));
        let verifier = VerifierKey::parse(PETER_VKEY).expect("vkey");
        let note = Note::parse(SIGNED).expect("parses");
        assert_eq!(note.verify(&[verifier]), Ok(vec!["PeterNeumann".to_owned()]));
    }

    #[test]
    fn a_checkpoint_signed_here_verifies_with_the_rules_verifier() {
        let key = LogSigner::generate("kezek.kz/transparency").expect("a key");
        let signer = LogSigner::from_key_text(&format!("{key}\n")).expect("reads back");
        let pool = PoolKey { region_id: "kz-zhetisu-taldykorgan".into(), group_year: 2024 };
        let origin = pool_origin("kezek.kz/transparency", &pool);
        let checkpoint =
            Checkpoint { origin: origin.clone(), size: 42, root_hash: [3; 32], extensions: vec![] };
        let note = signer.sign_checkpoint(&checkpoint).expect("signed");
        let trusted = [VerifierKey::parse(&signer.vkey()).expect("vkey")];
        assert_eq!(open_checkpoint(&note, &origin, &trusted), Ok(checkpoint.clone()));
        // Another key (same name) is refused; so is a rewritten root.
        let other =
            LogSigner::from_key_text(&LogSigner::generate("kezek.kz/transparency").expect("key"))
                .expect("reads");
        let forged = other.sign_checkpoint(&checkpoint).expect("signed");
        assert_eq!(open_checkpoint(&forged, &origin, &trusted), Err(NoteError::NoTrustedSignature));
        let rewritten = Checkpoint { root_hash: [4; 32], ..checkpoint };
        let tampered =
            note.replacen(&STANDARD.encode([3u8; 32]), &STANDARD.encode(rewritten.root_hash), 1);
        assert!(matches!(
            open_checkpoint(&tampered, &origin, &trusted),
            Err(NoteError::SignatureInvalid { .. })
        ));
    }

    #[test]
    fn malformed_keys_are_refused_with_their_code() {
        let cases = [
            ("", SignerError::KeyMalformed),
            (
                "PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                SignerError::KeyMalformed,
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                SignerError::KeyIdMismatch,
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                SignerError::KeyMalformed,
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr",
                SignerError::KeyMalformed,
            ),
            (
                "PRIVATE+KEY+Peter Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                SignerError::KeyMalformed,
            ),
        ];
        for (text, error) in cases {
            assert_eq!(LogSigner::from_key_text(text).map(|_| ()), Err(error), "{text}");
        }
        assert_eq!(SignerError::KeyIdMismatch.code(), "log_key_id_mismatch");
        let signer = LogSigner::from_key_text(PETER_SKEY).expect("key");
        assert_eq!(signer.sign_note("no newline").map(|_| ()), Err(SignerError::TextInvalid));
    }
}
