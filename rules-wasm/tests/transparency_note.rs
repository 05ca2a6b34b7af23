//! C2SP signed-note and tlog-checkpoint: the examples of the specifications
//! (github.com/C2SP/C2SP at 5ba5ee830903e91240fc6f9f3a7a9293d49e69c9: `signed-note.md`,
//! `tlog-checkpoint.md`) and Go's `golang.org/x/mod/sumdb/note` test keys and signatures
//! (github.com/golang/mod at fe2ec04f7c3c3aa6fad97631aafcff6e49e2d1db, `note_test.go`), then
//! checkpoints signed here and tampered with.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_rules::places::PoolKey;
use kezek_rules::transparency::note::{ed25519_key_id, format_note, NoteSignature};
use kezek_rules::transparency::{
    open_checkpoint, pool_origin, Checkpoint, Note, NoteError, VerifierKey,
};

const C2SP_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const C2SP_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

const PETER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

fn key(vkey: &str) -> VerifierKey {
    VerifierKey::parse(vkey).expect("a valid vkey")
}

#[test]
fn the_signed_note_specification_example_verifies() {
    let foo = key(C2SP_VKEY);
    assert_eq!(foo.name, "example.com/foo");
    assert_eq!(foo.key_id, 0x530d903a);
    assert_eq!(ed25519_key_id(&foo.name, &foo.public_key), 0x530d903a);
    assert_eq!(foo.encode(), C2SP_VKEY);
    let note = Note::parse(C2SP_NOTE).expect("parses");
    assert_eq!(note.text, "This is an example message.\n");
    assert_eq!(note.verify(&[foo]), Ok(vec!["example.com/foo".to_owned()]));
    // Re-formatting the parsed note gives the same bytes.
    assert_eq!(format_note(note.text, &note.signatures).as_deref(), Ok(C2SP_NOTE));
}

#[test]
fn go_note_package_vectors() {
    let (peter, enoch) = (key(PETER), key(ENOCH));
    let both = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    let note = Note::parse(&both).expect("parses");
    assert_eq!(note.text, TEXT);
    assert_eq!(note.signatures.len(), 2);
    // One trusted key: the other signature is ignored.
    assert_eq!(note.verify(std::slice::from_ref(&peter)), Ok(vec!["PeterNeumann".to_owned()]));
    assert_eq!(
        note.verify(&[peter.clone(), enoch.clone()]),
        Ok(vec!["PeterNeumann".to_owned(), "EnochRoot".to_owned()])
    );
    assert_eq!(note.verify(&[]), Err(NoteError::NoTrustedSignature));
    // The same key trusted twice is ambiguous once it is used.
    let enoch_text = format!("{TEXT}\n{ENOCH_SIG}");
    let enoch_only = Note::parse(&enoch_text).expect("parses");
    assert_eq!(
        enoch_only.verify(&[enoch.clone(), peter.clone(), enoch.clone()]),
        Err(NoteError::KeyAmbiguous)
    );
    let peter_text = format!("{TEXT}\n{PETER_SIG}");
    let peter_only = Note::parse(&peter_text).expect("parses");
    assert!(peter_only.verify(&[enoch.clone(), peter.clone(), enoch]).is_ok());
    // Too many signatures.
    let many = format!("{TEXT}\n{}", PETER_SIG.repeat(101));
    assert_eq!(Note::parse(&many).map(|_| ()), Err(NoteError::TooManySignatures { count: 101 }));
    // A corrupted signature of a trusted key refuses the note.
    let corrupted = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    let note = Note::parse(&corrupted).expect("still well-formed");
    assert_eq!(
        note.verify(&[peter]),
        Err(NoteError::SignatureInvalid { key_name: "PeterNeumann".to_owned() })
    );
}

#[test]
fn malformed_verifier_keys_and_notes_are_refused() {
    // Go's bad keys: a wrong-length key with an adjusted hash, an unknown algorithm.
    assert_eq!(
        VerifierKey::parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        ),
        Err(NoteError::VerifierKeyMalformed)
    );
    assert_eq!(
        VerifierKey::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(NoteError::KeyTypeUnsupported { key_type: 0x65 })
    );
    assert_eq!(
        VerifierKey::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(NoteError::KeyIdMismatch)
    );
    for bad in [
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc",
        "+c74f20a3+ARpc",
        "a+C74F20A3+ARpc",
        "a+b+c+d",
        "a+c74f20a3+AR+c",
    ] {
        assert!(VerifierKey::parse(bad).is_err(), "{bad}");
    }
    let malformed = [
        "no blank line\n\u{2014} PeterNeumann x08go/ZJ\n".to_owned(),
        format!("{TEXT}\n{}", PETER_SIG.trim_end()),
        format!("{TEXT}\n- PeterNeumann x08go/ZJkuBS9U=\n"),
        format!("{TEXT}\n\u{2014} PeterNeumann not-base64!\n"),
        format!("{TEXT}\n\u{2014} PeterNeumann AAAA\n"),
        format!("{}\u{7}\n\n{PETER_SIG}", TEXT.trim_end()),
        format!("{TEXT}\n"),
    ];
    for note in &malformed {
        assert_eq!(Note::parse(note).map(|_| ()), Err(NoteError::NoteMalformed), "{note:?}");
    }
}

#[test]
fn the_checkpoint_specification_example_parses() {
    let example = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
    let note = Note::parse(example).expect("a signed note");
    let checkpoint = Checkpoint::parse(note.text).expect("a checkpoint");
    assert_eq!(checkpoint.origin, "example.com/behind-the-sofa");
    assert_eq!(checkpoint.size, 20_852_163);
    assert_eq!(
        STANDARD.encode(checkpoint.root_hash),
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    );
    assert!(checkpoint.extensions.is_empty());
    assert_eq!(checkpoint.text(), note.text);
    assert_eq!(note.signatures[0].key_id, 0x033de0ae);
    // Its key is not published with the example: nothing can trust it.
    assert_eq!(
        open_checkpoint(example, &checkpoint.origin, &[]),
        Err(NoteError::NoTrustedSignature)
    );
}

fn signer(seed_byte: u8, name: &str) -> (ed25519_compact::KeyPair, VerifierKey) {
    let pair = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([seed_byte; 32]));
    let verifier = VerifierKey::ed25519(name, *pair.pk).expect("valid name");
    (pair, verifier)
}

fn signed(text: &str, pair: &ed25519_compact::KeyPair, verifier: &VerifierKey) -> String {
    let signature = pair.sk.sign(text.as_bytes(), None).to_vec();
    let line =
        NoteSignature { key_name: verifier.name.clone(), key_id: verifier.key_id, signature };
    format_note(text, &[line]).expect("well-formed")
}

#[test]
fn a_pool_checkpoint_signed_here_verifies_and_tampering_is_caught() {
    let pool = PoolKey { region_id: "kz-zhetisu-taldykorgan".into(), group_year: 2024 };
    let origin = pool_origin("kezek.kz/transparency", &pool);
    assert_eq!(origin, "kezek.kz/transparency/kz-zhetisu-taldykorgan/2024");
    let (pair, verifier) = signer(7, "kezek.kz/transparency");
    let checkpoint =
        Checkpoint { origin: origin.clone(), size: 1234, root_hash: [9; 32], extensions: vec![] };
    let note = signed(&checkpoint.text(), &pair, &verifier);
    assert_eq!(
        open_checkpoint(&note, &origin, std::slice::from_ref(&verifier)),
        Ok(checkpoint.clone())
    );

    // Another pool's log.
    let other = pool_origin("kezek.kz/transparency", &PoolKey { group_year: 2023, ..pool });
    assert_eq!(
        open_checkpoint(&note, &other, std::slice::from_ref(&verifier)),
        Err(NoteError::OriginMismatch { origin: origin.clone() })
    );
    // Signed with another key of the same name: its id differs, so it is not trusted.
    let (other_pair, other_verifier) = signer(8, "kezek.kz/transparency");
    let forged = signed(&checkpoint.text(), &other_pair, &other_verifier);
    assert_eq!(
        open_checkpoint(&forged, &origin, std::slice::from_ref(&verifier)),
        Err(NoteError::NoTrustedSignature)
    );
    // The other key's signature under the trusted key's id.
    let mut line = Note::parse(&forged).expect("parses").signatures[0].clone();
    line.key_id = verifier.key_id;
    let impostor = format_note(&checkpoint.text(), &[line]).expect("well-formed");
    assert_eq!(
        open_checkpoint(&impostor, &origin, std::slice::from_ref(&verifier)),
        Err(NoteError::SignatureInvalid { key_name: verifier.name.clone() })
    );
    // A rewritten size.
    let rewritten = note.replacen("\n1234\n", "\n1235\n", 1);
    assert_eq!(
        open_checkpoint(&rewritten, &origin, std::slice::from_ref(&verifier)),
        Err(NoteError::SignatureInvalid { key_name: verifier.name.clone() })
    );
}

#[test]
fn malformed_checkpoints_are_refused() {
    let root = STANDARD.encode([1u8; 32]);
    for text in [
        format!("origin\n01\n{root}\n"),
        format!("origin\n-1\n{root}\n"),
        format!("origin\n1\n{}\n", STANDARD.encode([1u8; 31])),
        format!("origin\n1\n{root}\n\nextension\n"),
        format!("\n1\n{root}\n"),
        format!("origin\n1\n{root}"),
        "origin\n1\n".to_owned(),
        format!("origin\n{}\n{root}\n", u64::MAX),
    ] {
        assert_eq!(Checkpoint::parse(&text), Err(NoteError::CheckpointMalformed), "{text:?}");
    }
    let with_extension =
        Checkpoint::parse(&format!("origin\n0\n{root}\nextension line\n")).expect("valid");
    assert_eq!(with_extension.extensions, vec!["extension line".to_owned()]);
    assert_eq!(with_extension.size, 0);
}
