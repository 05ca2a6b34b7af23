//! The verifier module's boundary (issue 13 item 3): what the application's page calls to
//! check its log in the browser, a thin layer over [`crate::transparency`]. Built into the
//! second WebAssembly module (`bash scripts/build-wasm.sh transparency verifier`), which the
//! page loads only when a family opens the verification; the lean module never links it.
//!
//! The functions here take what the page has (note and key texts, entry bytes, proof hashes
//! concatenated 32 bytes each, sizes as JavaScript numbers) and refuse with the rules' stable
//! code. They compile natively too, so a native test runs them on what the server serves;
//! the `wasm_bindgen` exports below them (wasm32 only) turn a refusal into a JavaScript
//! `Error` whose message is the code.

use crate::application::StateName;
use crate::places::PoolKey;
use crate::transparency::merkle::hash_from_slice;
use crate::transparency::{
    open_checkpoint, pool_origin, verify_consistency, verify_inclusion, AuditEntry, EntryKind,
    Hash, ProofError, Reason, VerifierKey,
};

use super::names;

/// The largest integer a JavaScript number holds exactly.
const SAFE_INTEGER_MAX: f64 = 9_007_199_254_740_991.0;

/// A verified checkpoint: its tree size and root hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub size: u64,
    pub root: Hash,
}

/// What the page shows of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryView {
    pub kind: &'static str,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub at_millis: i64,
    pub application_id: Option<String>,
    pub from_state: Option<&'static str>,
    pub to_state: Option<&'static str>,
    /// `none`, `offer`, `referral`, `removal`, `extension` or `places`.
    pub reason: &'static str,
    /// The reason's detail: the place source or removal reason.
    pub reason_name: Option<&'static str>,
    /// The reason's number: the offer's position, the extension's days, the places' count.
    pub reason_number: Option<u32>,
}

/// A size or index from JavaScript: a non-negative integer below 2^53.
pub fn count(value: f64) -> Result<u64, &'static str> {
    if value >= 0.0 && value.fract() == 0.0 && value <= SAFE_INTEGER_MAX {
        Ok(value as u64)
    } else {
        Err("number_invalid")
    }
}

/// The origin line of the pool's log under `vkey`'s name: `<key name>/<region>/<year>`.
pub fn origin(vkey: &str, region_id: &str, group_year: i32) -> Result<String, &'static str> {
    let key = VerifierKey::parse(vkey).map_err(|error| error.code())?;
    let pool = PoolKey { region_id: region_id.to_owned(), group_year };
    Ok(pool_origin(&key.name, &pool))
}

/// Checks the checkpoint's signature by `vkey` and its origin; its size and root.
pub fn open(note: &str, vkey: &str, origin: &str) -> Result<Head, &'static str> {
    let key = VerifierKey::parse(vkey).map_err(|error| error.code())?;
    let checkpoint = open_checkpoint(note, origin, &[key]).map_err(|error| error.code())?;
    Ok(Head { size: checkpoint.size, root: checkpoint.root_hash })
}

/// Splits concatenated 32-byte hashes.
pub fn hashes(bytes: &[u8]) -> Result<Vec<Hash>, &'static str> {
    let hash_length = |length| ProofError::HashLength { length }.code();
    if !bytes.len().is_multiple_of(32) {
        return Err(hash_length(bytes.len() % 32));
    }
    bytes.chunks_exact(32).map(|chunk| hash_from_slice(chunk).map_err(|e| e.code())).collect()
}

fn root(bytes: &[u8]) -> Result<Hash, &'static str> {
    hash_from_slice(bytes).map_err(|error| error.code())
}

/// Whether `entry` is leaf `index` of the tree of `size` with `root`, by `proof`.
pub fn inclusion(
    entry: &[u8],
    index: f64,
    size: f64,
    proof: &[u8],
    root_hash: &[u8],
) -> Result<(), &'static str> {
    let leaf = crate::transparency::leaf_hash(entry);
    verify_inclusion(&leaf, count(index)?, count(size)?, &hashes(proof)?, &root(root_hash)?)
        .map_err(|error| error.code())
}

/// Whether the tree of `old_size` with `old_root` is a prefix of the new one, by `proof`.
pub fn consistency(
    old_size: f64,
    old_root: &[u8],
    new_size: f64,
    new_root: &[u8],
    proof: &[u8],
) -> Result<(), &'static str> {
    let (old_root, new_root) = (root(old_root)?, root(new_root)?);
    verify_consistency(count(old_size)?, count(new_size)?, &old_root, &new_root, &hashes(proof)?)
        .map_err(|error| error.code())
}

/// The name of an entry's kind, as the page's texts key it.
pub fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Enqueue => "enqueue",
        EntryKind::Offer => "offer",
        EntryKind::ExpireOffer => "expire_offer",
        EntryKind::Sign => "sign",
        EntryKind::Extend => "extend",
        EntryKind::Cancel => "cancel",
        EntryKind::Enrol => "enrol",
        EntryKind::Lapse => "lapse",
        EntryKind::EndStopList => "end_stop_list",
        EntryKind::Withdraw => "withdraw",
        EntryKind::AgeOut => "age_out",
        EntryKind::Link => "link",
        EntryKind::PublishPlaces => "publish_places",
        EntryKind::WithdrawPlaces => "withdraw_places",
        EntryKind::MarkSiblings => "mark_siblings",
        EntryKind::TransferRequest => "transfer_request",
        EntryKind::TransferOffer => "transfer_offer",
        EntryKind::TransferSign => "transfer_sign",
        EntryKind::TransferWithdraw => "transfer_withdraw",
        EntryKind::TransferExpire => "transfer_expire",
    }
}

fn state_name(state: StateName) -> &'static str {
    names::STATES[usize::from(names::state(state))]
}

fn reason_view(reason: &Reason) -> (&'static str, Option<&'static str>, Option<u32>) {
    match *reason {
        Reason::None => ("none", None, None),
        Reason::Offer { position, .. } => ("offer", None, Some(position)),
        Reason::Referral { source } => {
            ("referral", Some(names::PLACE_SOURCES[usize::from(names::place_source(source))]), None)
        }
        Reason::Removal { reason } => (
            "removal",
            Some(names::REMOVAL_REASONS[usize::from(names::removal_reason(reason))]),
            None,
        ),
        Reason::Extension { days } => ("extension", None, Some(u32::from(days))),
        Reason::Places { count } => ("places", None, Some(count)),
        Reason::Siblings { size, .. } => ("siblings", None, Some(u32::from(size))),
        Reason::Together { position, .. } => ("together", None, Some(position)),
    }
}

/// Decodes an entry's canonical bytes for display.
pub fn describe(entry: &[u8]) -> Result<EntryView, &'static str> {
    let entry = AuditEntry::decode(entry).map_err(|error| error.code())?;
    let subject = entry.subject.as_ref();
    let (reason, reason_name, reason_number) = reason_view(&entry.reason);
    Ok(EntryView {
        kind: kind_name(entry.kind),
        at_millis: entry.at.timestamp_millis(),
        application_id: subject.map(|subject| subject.application_id.clone()),
        from_state: subject.and_then(|subject| subject.from_state).map(state_name),
        to_state: subject.map(|subject| state_name(subject.to_state)),
        reason,
        reason_name,
        reason_number,
    })
}

/// The module's exports: each refusal becomes a JavaScript `Error` whose message is the code.
#[cfg(target_arch = "wasm32")]
pub mod exports {
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::JsError;

    use super::{EntryView, Head};

    /// The lean module's allocator (`js::wasm`, not linked into this module).
    #[cfg(not(target_feature = "atomics"))]
    #[global_allocator]
    static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

    fn thrown<T>(result: Result<T, &'static str>) -> Result<T, JsError> {
        result.map_err(JsError::new)
    }

    /// A verified checkpoint, as JavaScript sees it.
    #[derive(Debug)]
    #[wasm_bindgen]
    pub struct CheckpointHead(Head);

    #[wasm_bindgen]
    impl CheckpointHead {
        #[wasm_bindgen(getter)]
        pub fn size(&self) -> f64 {
            self.0.size as f64
        }
        #[wasm_bindgen(getter)]
        pub fn root(&self) -> Vec<u8> {
            self.0.root.to_vec()
        }
    }

    /// An entry for display, as JavaScript sees it.
    #[derive(Debug)]
    #[wasm_bindgen]
    pub struct EntryDescription(EntryView);

    #[wasm_bindgen]
    impl EntryDescription {
        #[wasm_bindgen(getter)]
        pub fn kind(&self) -> String {
            self.0.kind.to_owned()
        }
        #[wasm_bindgen(getter, js_name = atMillis)]
        pub fn at_millis(&self) -> f64 {
            self.0.at_millis as f64
        }
        #[wasm_bindgen(getter, js_name = applicationId)]
        pub fn application_id(&self) -> Option<String> {
            self.0.application_id.clone()
        }
        #[wasm_bindgen(getter, js_name = fromState)]
        pub fn from_state(&self) -> Option<String> {
            self.0.from_state.map(str::to_owned)
        }
        #[wasm_bindgen(getter, js_name = toState)]
        pub fn to_state(&self) -> Option<String> {
            self.0.to_state.map(str::to_owned)
        }
        #[wasm_bindgen(getter)]
        pub fn reason(&self) -> String {
            self.0.reason.to_owned()
        }
        #[wasm_bindgen(getter, js_name = reasonName)]
        pub fn reason_name(&self) -> Option<String> {
            self.0.reason_name.map(str::to_owned)
        }
        #[wasm_bindgen(getter, js_name = reasonNumber)]
        pub fn reason_number(&self) -> Option<u32> {
            self.0.reason_number
        }
    }

    /// `<key name>/<region>/<year>`: the origin the pool's checkpoints must carry.
    #[wasm_bindgen(js_name = poolOrigin)]
    pub fn pool_origin(vkey: &str, region_id: &str, group_year: i32) -> Result<String, JsError> {
        thrown(super::origin(vkey, region_id, group_year))
    }

    /// Verifies a checkpoint's signature by the key and its origin.
    #[wasm_bindgen(js_name = openCheckpoint)]
    pub fn open_checkpoint(
        note: &str,
        vkey: &str,
        origin: &str,
    ) -> Result<CheckpointHead, JsError> {
        thrown(super::open(note, vkey, origin)).map(CheckpointHead)
    }

    /// Verifies an entry's inclusion proof (hashes concatenated) against a root.
    #[wasm_bindgen(js_name = verifyInclusion)]
    pub fn verify_inclusion(
        entry: &[u8],
        index: f64,
        size: f64,
        proof: &[u8],
        root: &[u8],
    ) -> Result<(), JsError> {
        thrown(super::inclusion(entry, index, size, proof, root))
    }

    /// Verifies a consistency proof (hashes concatenated) between two checkpoints.
    #[wasm_bindgen(js_name = verifyConsistency)]
    pub fn verify_consistency(
        old_size: f64,
        old_root: &[u8],
        new_size: f64,
        new_root: &[u8],
        proof: &[u8],
    ) -> Result<(), JsError> {
        thrown(super::consistency(old_size, old_root, new_size, new_root, proof))
    }

    /// Decodes an entry's canonical bytes for display.
    #[wasm_bindgen(js_name = describeEntry)]
    pub fn describe_entry(entry: &[u8]) -> Result<EntryDescription, JsError> {
        thrown(super::describe(entry)).map(EntryDescription)
    }
}
