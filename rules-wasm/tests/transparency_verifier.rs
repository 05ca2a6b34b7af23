//! The verifier module's functions (`kezek_rules::js::verifier`, what the WebAssembly exports
//! call) on what the local service really serves: `transparency_verifier/server-log.json`,
//! written by `node tests/browser/capture-log-fixture.mjs` after the seed steps (enqueue, a
//! sweep's checkpoint, staff publish, the turn engine's offer, choose and sign, another
//! enqueue, a second checkpoint): the verifier key, the older checkpoint, the application's
//! `/applications/{id}/log` answer and the `/consistency/{from}/{to}` proof.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_rules::js::verifier::{self, Head};
use serde_json::Value;

const FIXTURE: &str = include_str!("transparency_verifier/server-log.json");
const REGION: &str = "kz-zhetisu-taldykorgan";

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("the fixture is JSON")
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("{pointer}"))
}

fn number(value: &Value, pointer: &str) -> f64 {
    value.pointer(pointer).and_then(Value::as_f64).unwrap_or_else(|| panic!("{pointer}"))
}

fn bytes(base64: &str) -> Vec<u8> {
    STANDARD.decode(base64).expect("base64")
}

fn hashes(list: &Value) -> Vec<u8> {
    list.as_array()
        .expect("a list")
        .iter()
        .flat_map(|hash| bytes(hash.as_str().expect("text")))
        .collect()
}

fn origin(fixture: &Value) -> String {
    verifier::origin(text(fixture, "/vkey"), REGION, 2024).expect("the server's key parses")
}

fn opened(fixture: &Value, checkpoint: &str) -> Head {
    verifier::open(text(fixture, checkpoint), text(fixture, "/vkey"), &origin(fixture))
        .expect("the server's checkpoint verifies")
}

#[test]
fn the_origin_is_the_key_name_and_the_pool() {
    let fixture = fixture();
    let name = text(&fixture, "/vkey").split('+').next().expect("a name");
    assert_eq!(origin(&fixture), format!("{name}/{REGION}/2024"));
    assert_eq!(verifier::origin("not a key", REGION, 2024), Err("verifier_key_malformed"));
}

#[test]
fn the_servers_checkpoints_and_inclusion_proofs_verify() {
    let fixture = fixture();
    let head = opened(&fixture, "/log/checkpoint");
    assert_eq!(head.size as f64, number(&fixture, "/log/treeSize"));
    let entries = fixture.pointer("/log/entries").and_then(Value::as_array).expect("entries");
    let mut kinds = Vec::new();
    for entry in entries {
        let data = bytes(text(entry, "/entry"));
        let proof = hashes(&entry["inclusionProof"]);
        let index = number(entry, "/index");
        verifier::inclusion(&data, index, head.size as f64, &proof, &head.root)
            .unwrap_or_else(|code| panic!("entry {index}: {code}"));
        let view = verifier::describe(&data).expect("the server's entry decodes");
        assert_eq!(view.application_id.as_deref(), Some(text(&fixture, "/id")));
        kinds.push((view.kind, view.from_state, view.to_state, view.reason, view.reason_name));
    }
    assert_eq!(
        kinds,
        [
            ("enqueue", None, Some("queued"), "none", None),
            ("offer", Some("queued"), Some("offered"), "offer", None),
            ("sign", Some("offered"), Some("referred"), "referral", Some("offer")),
        ]
    );
    let older = opened(&fixture, "/older/checkpoint");
    assert_eq!(older.size as f64, number(&fixture, "/older/treeSize"));
    assert!(older.size < head.size);
    let proof = hashes(&fixture["consistency"]["proof"]);
    let consistent =
        verifier::consistency(older.size as f64, &older.root, head.size as f64, &head.root, &proof);
    assert_eq!(consistent, Ok(()));
}

#[test]
fn tampering_is_refused_with_the_rules_codes() {
    let fixture = fixture();
    let (vkey, origin) = (text(&fixture, "/vkey"), origin(&fixture));
    let head = opened(&fixture, "/log/checkpoint");
    // The checkpoint's text changed under its signature.
    let note = text(&fixture, "/log/checkpoint");
    let size_line = format!("\n{}\n", head.size);
    let forged = note.replacen(&size_line, &format!("\n{}\n", head.size + 1), 1);
    assert_eq!(verifier::open(&forged, vkey, &origin), Err("signature_invalid"));
    // Another pool's origin.
    let other = format!("{}/kz-astana/2024", origin.split('/').next().expect("a name"));
    assert_eq!(verifier::open(note, vkey, &other), Err("origin_mismatch"));
    // A flipped byte in an entry.
    let entry = &fixture["log"]["entries"][1];
    let mut data = bytes(text(entry, "/entry"));
    data[12] ^= 1;
    let (index, proof) = (number(entry, "/index"), hashes(&entry["inclusionProof"]));
    let refused = verifier::inclusion(&data, index, head.size as f64, &proof, &head.root);
    assert_eq!(refused, Err("root_mismatch"));
    // The proof cut, a hash cut, a size that is no JavaScript integer.
    let cut = &proof[..proof.len() - 32];
    let good = bytes(text(entry, "/entry"));
    assert_eq!(
        verifier::inclusion(&good, index, head.size as f64, cut, &head.root),
        Err("proof_length")
    );
    assert_eq!(
        verifier::inclusion(&good, index, head.size as f64, &proof[1..], &head.root),
        Err("hash_length")
    );
    assert_eq!(verifier::inclusion(&good, 0.5, 2.0, &[], &head.root), Err("number_invalid"));
    // Another root at the same size, or a smaller tree after a larger one.
    let older = opened(&fixture, "/older/checkpoint");
    let size = head.size as f64;
    assert_eq!(
        verifier::consistency(size, &older.root, size, &head.root, &[]),
        Err("root_mismatch")
    );
    assert_eq!(
        verifier::consistency(size, &head.root, older.size as f64, &older.root, &[]),
        Err("tree_sizes_invalid")
    );
    assert_eq!(verifier::describe(&data[..10]), Err("entry_malformed"));
}
