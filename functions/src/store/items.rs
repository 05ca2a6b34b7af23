//! The item types of the table, mapped with serde_dynamo. Key attributes are written by
//! the constructors here from `keys`, never by hand elsewhere.

use chrono::NaiveDate;
use kezek_rules::application::{Application, ApplicationId, AuditEvent, Notice, Referral, Region};
use kezek_rules::calendar::CalendarYear;
use kezek_rules::places::{GroupId, PlaceCounters, Pool, PoolKey};
use kezek_rules::policy::{Policy, PolicyHistory};
use kezek_rules::queue::QueueEntry;
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::keys::{self, Key};

/// The key attributes every item carries; the index ones only when it is in that index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Keys {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    #[serde(rename = "GSI1PK", default, skip_serializing_if = "Option::is_none")]
    pub gsi1pk: Option<String>,
    #[serde(rename = "GSI1SK", default, skip_serializing_if = "Option::is_none")]
    pub gsi1sk: Option<String>,
    #[serde(rename = "GSI2PK", default, skip_serializing_if = "Option::is_none")]
    pub gsi2pk: Option<String>,
    #[serde(rename = "GSI2SK", default, skip_serializing_if = "Option::is_none")]
    pub gsi2sk: Option<String>,
}

impl Keys {
    pub fn base(key: Key) -> Self {
        Self { pk: key.pk, sk: key.sk, ..Self::default() }
    }
    pub fn listed(key: Key, gsi2pk: impl Into<String>, gsi2sk: impl Into<String>) -> Self {
        Self { gsi2pk: Some(gsi2pk.into()), gsi2sk: Some(gsi2sk.into()), ..Self::base(key) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub region: Region,
    pub policy: PolicyHistory,
}

impl RegionItem {
    pub fn new(region: Region, policy: PolicyHistory) -> Self {
        let keys = Keys::listed(keys::region(&region.id), keys::REGIONS_LIST, region.id.clone());
        Self { keys, region, policy }
    }
}

/// A group as the kindergarten describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupInfo {
    pub group_id: GroupId,
    pub name: String,
    pub group_year: i32,
    /// `kk` or `ru`.
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kindergarten {
    pub id: String,
    pub region_id: String,
    pub name_kk: String,
    pub name_ru: String,
    pub address: String,
    pub location: Location,
    pub groups: Vec<GroupInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KindergartenItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub kindergarten: Kindergarten,
}

impl KindergartenItem {
    pub fn new(kindergarten: Kindergarten) -> Self {
        let keys = Keys::listed(
            keys::kindergarten(&kindergarten.id),
            keys::kindergartens_of_region(&kindergarten.region_id),
            kindergarten.id.clone(),
        );
        Self { keys, kindergarten }
    }
}

/// A pool's counters (U, O, C). Updated only with `ADD` under non-negativity conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub region_id: String,
    pub group_year: i32,
    pub unreserved: u32,
    pub offered: u32,
    pub free_choice: u32,
    pub version: u64,
    /// Entries in the pool's transparency log (`store::log`): the head every change reads.
    #[serde(default)]
    pub log_size: u64,
}

impl PoolItem {
    pub fn key_of(&self) -> PoolKey {
        PoolKey { region_id: self.region_id.clone(), group_year: self.group_year }
    }
    pub fn counters(&self) -> PlaceCounters {
        PlaceCounters {
            unreserved: self.unreserved,
            offered: self.offered,
            free_choice: self.free_choice,
        }
    }
}

/// A group's free places, in its pool's partition, with what the choice list shows (R7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub group: GroupInfo,
    pub kindergarten_id: String,
    pub kindergarten_name_kk: String,
    pub kindergarten_name_ru: String,
    pub address: String,
    pub location: Location,
    pub free: u32,
}

/// The application with who may see it and its index attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationItem {
    #[serde(flatten)]
    pub keys: Keys,
    /// Copy of `application.version`, for conditions.
    pub version: u64,
    /// Copy of the state name, for reading without decoding.
    pub state: String,
    pub applicant_iin: String,
    #[serde(default)]
    pub second_parent_iin: Option<String>,
    #[serde(default)]
    pub linked_iins: Vec<String>,
    /// Present exactly while the application waits in the queue (projected into GSI1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueEntry>,
    /// The numbers of the application's referral documents, written with each document: the
    /// details read them by key. `None` on items written before the list existed (then the
    /// documents are found by a Query of the application's partition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<String>>,
    /// While the application is `referred`: its line in the kindergarten's referrals
    /// ([`ReferralListingItem`]), kept in the same transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_listing: Option<ReferralListing>,
    /// The sibling set the applicant marked this application in (issue 15), whether or not
    /// the set shares its pool (`application.siblings` is the set only where it does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sibling_set: Option<String>,
    pub application: Application,
}

impl ApplicationItem {
    /// The item of `application`, with index attributes derived from its state.
    pub fn new(
        application: Application,
        applicant_iin: String,
        second_parent_iin: Option<String>,
        linked_iins: Vec<String>,
    ) -> Self {
        let queue = QueueEntry::of(&application);
        let mut item_keys = Keys::base(keys::application(&application.id));
        if let Some(entry) = &queue {
            item_keys.gsi1pk = Some(keys::queue_pk(&application.pool, entry.priority));
            item_keys.gsi1sk = Some(keys::queue_sk(entry.registered_at, &entry.id));
        }
        if let Some(due_at) = application.state.due_at() {
            item_keys.gsi2pk = Some(keys::due_pk(keys::shard_of(&application.id.0)));
            item_keys.gsi2sk = Some(keys::due_sk(due_at, &application.id));
        }
        Self {
            keys: item_keys,
            version: application.version,
            state: application.state.name().as_str().to_owned(),
            applicant_iin,
            second_parent_iin,
            linked_iins,
            queue,
            documents: Some(Vec::new()),
            referral_listing: None,
            sibling_set: None,
            application,
        }
    }

    /// The same people, documents and listing, a new application value.
    pub fn with_application(&self, application: Application) -> Self {
        Self {
            documents: self.documents.clone(),
            referral_listing: self.referral_listing.clone(),
            sibling_set: self.sibling_set.clone(),
            ..Self::new(
                application,
                self.applicant_iin.clone(),
                self.second_parent_iin.clone(),
                self.linked_iins.clone(),
            )
        }
    }

    /// R3: the submitting applicant and linked parents.
    pub fn visible_to(&self, iin: &str) -> bool {
        self.applicant_iin == iin || self.linked_iins.iter().any(|linked| linked == iin)
    }
}

/// A sibling set (issue 15): who marked it, its members, and those of them placed together
/// (the members sharing one pool: [`kezek_rules::siblings`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiblingSetItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub set_id: String,
    pub applicant_iin: String,
    pub members: Vec<ApplicationId>,
    /// The members in the pool with two or more of them, empty when none shares a pool.
    pub together: Vec<ApplicationId>,
    pub marked_at: Instant,
}

/// One active application per child: exists from enqueue until the application is removed
/// (an enrolled child keeps it: it holds a place).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub application_id: ApplicationId,
}

/// The first result of a POST with an idempotency key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub request_hash: String,
    /// The response body, JSON.
    pub response: String,
    pub created_at: Instant,
}

/// A notice waiting in the outbox (DESIGN §6); `notify` delivers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub notice_id: String,
    pub notice: Notice,
    pub applicant_iin: String,
    pub created_at: Instant,
    pub status: String,
    pub attempts: u32,
}

impl NoticeItem {
    pub fn pending(
        notice_id: String,
        notice: Notice,
        applicant_iin: String,
        created_at: Instant,
    ) -> Self {
        let keys = Keys::listed(
            keys::notice(&notice_id),
            keys::outbox_pk(keys::shard_of(&notice_id)),
            keys::outbox_sk(created_at, &notice_id),
        );
        Self {
            keys,
            notice_id,
            notice,
            applicant_iin,
            created_at,
            status: "pending".to_owned(),
            attempts: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub event: AuditEvent,
    /// Who asked: `applicant:<iin>`, `staff:<kindergarten>`, `sweep`, `turn_engine`.
    pub actor: String,
}

impl AuditItem {
    /// The audit event of an applicant's command that leaves the application in its state
    /// (naming people, marking siblings, a signed transfer: enrolled before and after), at
    /// the application's version after the command.
    pub fn same_state(
        application: &kezek_rules::application::Application,
        command: &str,
        applicant_iin: &str,
        at: Instant,
    ) -> Self {
        let state = application.state.name();
        let event = AuditEvent {
            application_id: application.id.clone(),
            command: command.to_owned(),
            from_state: Some(state),
            to_state: state,
            at,
            version: application.version,
        };
        let keys = Keys::base(keys::application_audit(&application.id, application.version));
        Self { keys, event, actor: format!("applicant:{applicant_iin}") }
    }
}

/// A staff action on a pool's places (R14), in the pool's partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolAuditItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub place_move: kezek_rules::places::PlaceMove,
    pub actor: String,
    pub at: Instant,
}

/// A one-time nonce of a choice: the exact bytes the applicant must sign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NonceItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub nonce: String,
    pub application_id: ApplicationId,
    pub group_id: GroupId,
    pub applicant_iin: String,
    pub expires_at: Instant,
    /// The canonical bytes, as UTF-8 text.
    pub signed_text: String,
    /// Set by the one `sign` that consumed the nonce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<String>,
}

/// What `sign` needs, as `choose` read it (strongly consistent) when it issued the nonce: the
/// application at its version, the pool, the chosen group and the region's rules of that
/// local day with its calendar. `sign` takes the place on this basis in one transaction whose conditions
/// (application version, counters, group places, nonce unused) decide; when one fails it
/// reads afresh. Same partition as the nonce, a separate item so that marking the nonce used
/// writes a small item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceBasisItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub application: ApplicationItem,
    pub pool: Pool,
    pub group: GroupItem,
    pub region: Region,
    /// The policy in force on `localDate`; the basis serves only a sign on that local date.
    pub policy: Policy,
    pub local_date: NaiveDate,
    /// The calendar years the choice counted with that differ from the built-in calendar
    /// (years operators loaded), in order; usually none.
    #[serde(default)]
    pub calendar_years: Vec<CalendarYear>,
    /// The pool's log size `pool` was read at: the head a sign on this basis appends to.
    #[serde(default)]
    pub log_size: u64,
}

/// What proves the applicant signed the choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureEvidence {
    pub signed_text: String,
    pub signature_base64: String,
    pub signer_iin: String,
    /// Which verifier accepted it (e.g. `hmac-sha256-test`, later `x509-rsa`).
    pub verifier: String,
    pub certificate_base64: Option<String>,
    /// From the signer's certificate (EDS verifier): name, serial number and issuer, shown
    /// on the referral document.
    #[serde(default)]
    pub signer_name: Option<String>,
    #[serde(default)]
    pub certificate_serial: Option<String>,
    #[serde(default)]
    pub certificate_issuer: Option<String>,
}

/// The referral (жолдама) as a document of the application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferralDocument {
    pub number: String,
    pub application_id: ApplicationId,
    pub child_iin: String,
    pub applicant_iin: String,
    pub kindergarten_id: String,
    pub kindergarten_name_kk: String,
    pub kindergarten_name_ru: String,
    pub address: String,
    pub group_id: GroupId,
    pub group_name: String,
    pub language: String,
    pub issued_at: Instant,
    pub valid_until_at: Instant,
    pub evidence: SignatureEvidence,
}

impl ReferralDocument {
    /// The document of `item`'s referral in `group`, numbered by the application's version
    /// after the signature (`version`): a signed choice's and a signed transfer's alike.
    pub fn issued(
        item: &ApplicationItem,
        group: &GroupItem,
        referral: &Referral,
        version: u64,
        evidence: SignatureEvidence,
    ) -> Self {
        Self {
            number: format!("KZ-{}-{}", item.application.id.0.to_uppercase(), version),
            application_id: item.application.id.clone(),
            child_iin: item.application.child_iin.clone(),
            applicant_iin: item.applicant_iin.clone(),
            kindergarten_id: group.kindergarten_id.clone(),
            kindergarten_name_kk: group.kindergarten_name_kk.clone(),
            kindergarten_name_ru: group.kindergarten_name_ru.clone(),
            address: group.address.clone(),
            group_id: group.group.group_id.clone(),
            group_name: group.group.name.clone(),
            language: group.group.language.clone(),
            issued_at: referral.issued_at,
            valid_until_at: referral.valid_until_at,
            evidence,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub referral: ReferralDocument,
}

/// A referral waiting for its child, as the kindergarten's staff see it (R13).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferralListing {
    pub kindergarten_id: String,
    pub number: String,
    pub application_id: ApplicationId,
    pub child_iin: String,
    pub group_id: String,
    pub group_name: String,
    pub language: String,
    pub issued_at: Instant,
    pub valid_until_at: Instant,
    /// The child's sibling set, when marked (issue 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sibling_set_id: Option<String>,
}

/// The listing in the kindergarten's partition (`KG#<id>` / `REFERRAL#<application id>`):
/// one Query of that partition lists the kindergarten's referrals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferralListingItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub listing: ReferralListing,
}

impl ReferralListingItem {
    pub fn new(listing: ReferralListing) -> Self {
        let key = keys::kindergarten_referral(&listing.kindergarten_id, &listing.application_id);
        Self { keys: Keys::base(key), listing }
    }
}
