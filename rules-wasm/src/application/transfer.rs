//! Transfers between kindergartens (issue 15, item 2): an *enrolled* child's applicant asks
//! for a place in up to three other kindergartens of the same region, ranked. The request
//! waits in its own queue (by the request's time); when a requested kindergarten has a free
//! place the pool can give (see [`crate::turn_transfers`]), the request is offered it with
//! the deadline of an ordinary offer (R6: the policy's offer window, working days). Signing
//! takes a place in a group of a requested kindergarten **and** releases the current place,
//! as one change: the moves [`PlaceMove::TakeOffered`] (new group) and
//! [`PlaceMove::Release`] (old group) are always applied together, so no child ever holds two
//! places or none. An offer not signed in time expires; the offered place goes back to the
//! pool (`unreserved`: it was never anyone's choice) and the child keeps its current place.
//!
//! Only enrolled children may ask: a child holding a referral has not taken its place yet
//! and may cancel it (R12) and choose again; a child in the queue has nothing to transfer.

use serde::{Deserialize, Serialize};

use super::{Application, ApplicationId, ApplicationState, Referral, RuleContext};
use crate::deadline::deadline_at;
use crate::places::{GroupId, PlaceMove, Pool, PoolKey};
use crate::time::Instant;

/// Most kindergartens one request may rank.
pub const TRANSFER_CHOICES_MAX: usize = 3;
/// Longest kindergarten id accepted in a request.
pub const KINDERGARTEN_ID_LENGTH_MAX: usize = 64;

/// A kindergarten of a region (its catalog id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KindergartenId(pub String);

/// Where a transfer request stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum TransferState {
    /// In the transfer queue of the pool, by `requested_at`.
    Waiting,
    /// A place of the pool is reserved for the transfer until `expires_at`.
    Offered { offered_at: Instant, expires_at: Instant },
    /// The applicant withdrew the request (final).
    Withdrawn { withdrawn_at: Instant },
    /// Moved: the new referral is in `group_id` of `kindergarten_id` (final).
    Done { group_id: GroupId, kindergarten_id: KindergartenId, moved_at: Instant },
    /// The offer was not signed in time (final); the child kept its place.
    Expired { expired_at: Instant },
}

impl TransferState {
    pub fn name(&self) -> &'static str {
        match self {
            TransferState::Waiting => "waiting",
            TransferState::Offered { .. } => "offered",
            TransferState::Withdrawn { .. } => "withdrawn",
            TransferState::Done { .. } => "done",
            TransferState::Expired { .. } => "expired",
        }
    }

    pub fn is_final(&self) -> bool {
        !matches!(self, TransferState::Waiting | TransferState::Offered { .. })
    }
}

/// One transfer request of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferRequest {
    pub application_id: ApplicationId,
    pub pool: PoolKey,
    /// The kindergarten and group of the place held when the request was made.
    pub current_kindergarten: KindergartenId,
    pub current_group: GroupId,
    /// Ranked, 1..=[`TRANSFER_CHOICES_MAX`], distinct, none the current one.
    pub kindergartens: Vec<KindergartenId>,
    /// Orders the transfer queue (then the application id).
    pub requested_at: Instant,
    pub state: TransferState,
    /// Incremented by every change; storage writes only over the expected version.
    pub version: u64,
}

/// Why a transfer command is refused. Codes are stable (HTTP API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferRefusal {
    /// Only an enrolled child may ask for a transfer.
    NotEnrolled,
    /// No kindergarten, or more than [`TRANSFER_CHOICES_MAX`].
    ChoicesOutOfRange {
        count: usize,
    },
    /// A kindergarten named twice.
    DuplicateKindergarten,
    /// A kindergarten id that is empty or too long.
    KindergartenIdInvalid,
    /// A kindergarten of another region (or unknown).
    KindergartenNotInRegion,
    /// The kindergarten the child attends.
    CurrentKindergarten,
    /// The application has a transfer request open already.
    TransferOpen,
    /// The command needs a waiting or offered request and this one is final (or absent).
    TransferNotOpen,
    /// Signing needs an offered request.
    TransferNotOffered,
    /// The offer's deadline passed (signing) or has not (expiry).
    TransferOfferExpired,
    TransferOfferNotExpired,
    /// The chosen group is not in a requested kindergarten of the pool.
    GroupNotRequested,
    /// The chosen group has no free place any more (someone else took it meanwhile): nothing
    /// changed, the child keeps its current place.
    TransferPlaceTaken,
    /// The pool has no unreserved place to offer.
    NoFreePlaces,
}

impl TransferRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            TransferRefusal::NotEnrolled => "transfer_not_enrolled",
            TransferRefusal::ChoicesOutOfRange { .. } => "transfer_choices_out_of_range",
            TransferRefusal::DuplicateKindergarten => "transfer_duplicate_kindergarten",
            TransferRefusal::KindergartenIdInvalid => "transfer_kindergarten_invalid",
            TransferRefusal::KindergartenNotInRegion => "transfer_kindergarten_not_in_region",
            TransferRefusal::CurrentKindergarten => "transfer_current_kindergarten",
            TransferRefusal::TransferOpen => "transfer_open",
            TransferRefusal::TransferNotOpen => "transfer_not_open",
            TransferRefusal::TransferNotOffered => "transfer_not_offered",
            TransferRefusal::TransferOfferExpired => "transfer_offer_expired",
            TransferRefusal::TransferOfferNotExpired => "transfer_offer_not_expired",
            TransferRefusal::GroupNotRequested => "transfer_group_not_requested",
            TransferRefusal::TransferPlaceTaken => "transfer_place_taken",
            TransferRefusal::NoFreePlaces => "no_free_places",
        }
    }

    /// The HTTP status: 409 where the state or the places decide, 400 for a malformed request.
    pub fn status(&self) -> u16 {
        match self {
            TransferRefusal::ChoicesOutOfRange { .. }
            | TransferRefusal::DuplicateKindergarten
            | TransferRefusal::KindergartenIdInvalid
            | TransferRefusal::KindergartenNotInRegion
            | TransferRefusal::CurrentKindergarten
            | TransferRefusal::GroupNotRequested => 400,
            TransferRefusal::NotEnrolled
            | TransferRefusal::TransferOpen
            | TransferRefusal::TransferNotOpen
            | TransferRefusal::TransferNotOffered
            | TransferRefusal::TransferOfferExpired
            | TransferRefusal::TransferOfferNotExpired
            | TransferRefusal::TransferPlaceTaken
            | TransferRefusal::NoFreePlaces => 409,
        }
    }

    pub fn message(&self) -> String {
        match self {
            TransferRefusal::NotEnrolled => {
                "only an enrolled child may ask for a transfer".to_owned()
            }
            TransferRefusal::ChoicesOutOfRange { count } => {
                format!("rank 1 to {TRANSFER_CHOICES_MAX} kindergartens ({count} given)")
            }
            TransferRefusal::DuplicateKindergarten => "a kindergarten is named twice".to_owned(),
            TransferRefusal::KindergartenIdInvalid => "a kindergarten id is invalid".to_owned(),
            TransferRefusal::KindergartenNotInRegion => {
                "a kindergarten is not one of the application's region".to_owned()
            }
            TransferRefusal::CurrentKindergarten => {
                "the child attends this kindergarten already".to_owned()
            }
            TransferRefusal::TransferOpen => "a transfer request is open already".to_owned(),
            TransferRefusal::TransferNotOpen => "no open transfer request".to_owned(),
            TransferRefusal::TransferNotOffered => "the transfer has no open offer".to_owned(),
            TransferRefusal::TransferOfferExpired => "the transfer offer expired".to_owned(),
            TransferRefusal::TransferOfferNotExpired => {
                "the transfer offer has not expired".to_owned()
            }
            TransferRefusal::GroupNotRequested => {
                "the group is not in a requested kindergarten".to_owned()
            }
            TransferRefusal::TransferPlaceTaken => {
                "the place was taken meanwhile; the child keeps its current place".to_owned()
            }
            TransferRefusal::NoFreePlaces => "the pool has no free place".to_owned(),
        }
    }
}

pub type TransferResult<T> = Result<T, TransferRefusal>;

/// What a transfer change asks storage to write besides the request itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferChange {
    pub request: TransferRequest,
    /// The application after the change (only a signed transfer changes it).
    pub application: Option<Application>,
    pub places: Vec<PlaceMove>,
    /// A place went back to `unreserved`: run the turn engine for the pool afterwards.
    pub run_turn_engine: bool,
}

/// The referral of an enrolled application.
fn enrolled_referral(application: &Application) -> TransferResult<&Referral> {
    match &application.state {
        ApplicationState::Enrolled { referral, .. } => Ok(referral),
        _ => Err(TransferRefusal::NotEnrolled),
    }
}

impl TransferRequest {
    /// A new request of `application` (enrolled in `current_kindergarten`) for `kindergartens`,
    /// ranked. `in_region(k)` says whether `k` is a kindergarten of the application's region.
    pub fn new(
        application: &Application,
        current_kindergarten: &KindergartenId,
        kindergartens: &[KindergartenId],
        in_region: &dyn Fn(&KindergartenId) -> bool,
        open: Option<&TransferRequest>,
        now: Instant,
    ) -> TransferResult<Self> {
        let referral = enrolled_referral(application)?;
        if open.is_some_and(|request| !request.state.is_final()) {
            return Err(TransferRefusal::TransferOpen);
        }
        if !(1..=TRANSFER_CHOICES_MAX).contains(&kindergartens.len()) {
            return Err(TransferRefusal::ChoicesOutOfRange { count: kindergartens.len() });
        }
        for (index, kindergarten) in kindergartens.iter().enumerate() {
            if kindergarten.0.is_empty() || kindergarten.0.len() > KINDERGARTEN_ID_LENGTH_MAX {
                return Err(TransferRefusal::KindergartenIdInvalid);
            }
            if kindergartens[..index].contains(kindergarten) {
                return Err(TransferRefusal::DuplicateKindergarten);
            }
            if kindergarten == current_kindergarten {
                return Err(TransferRefusal::CurrentKindergarten);
            }
            if !in_region(kindergarten) {
                return Err(TransferRefusal::KindergartenNotInRegion);
            }
        }
        Ok(Self {
            application_id: application.id.clone(),
            pool: application.pool.clone(),
            current_kindergarten: current_kindergarten.clone(),
            current_group: referral.group_id.clone(),
            kindergartens: kindergartens.to_vec(),
            requested_at: now,
            state: TransferState::Waiting,
            version: 0,
        })
    }

    /// The transfer queue's order: by the request's time, then the application id.
    pub fn queue_key(&self) -> (Instant, &ApplicationId) {
        (self.requested_at, &self.application_id)
    }

    /// The rank (0 = first choice) of `kindergarten` in this request.
    pub fn rank_of(&self, kindergarten: &KindergartenId) -> Option<usize> {
        self.kindergartens.iter().position(|k| k == kindergarten)
    }

    /// The instant at which the sweep has work for this request.
    pub fn due_at(&self) -> Option<Instant> {
        match self.state {
            TransferState::Offered { expires_at, .. } => Some(expires_at),
            _ => None,
        }
    }

    fn changed(&self, state: TransferState) -> Self {
        Self { state, version: self.version + 1, ..self.clone() }
    }

    /// Whether a group of a requested kindergarten has a free place in `pool`;
    /// `kindergarten_of(g)` names the kindergarten of group `g`.
    pub fn has_free_place(
        &self,
        pool: &Pool,
        kindergarten_of: &dyn Fn(&GroupId) -> Option<KindergartenId>,
    ) -> bool {
        pool.groups.iter().any(|group| {
            group.free > 0
                && kindergarten_of(&group.group_id).is_some_and(|k| self.rank_of(&k).is_some())
        })
    }

    /// The turn engine offers the request a place of the pool (`unreserved` → `offered`), with
    /// the deadline of an ordinary offer (R6).
    pub fn offer(&self, pool: &Pool, context: &RuleContext<'_>) -> TransferResult<TransferChange> {
        if self.state != TransferState::Waiting {
            return Err(TransferRefusal::TransferNotOpen);
        }
        if pool.counters.unreserved == 0 {
            return Err(TransferRefusal::NoFreePlaces);
        }
        let expires_at =
            deadline_at(context.policy.offer_window, context.now, context.calendar, context.clock)
                .map_err(|_| TransferRefusal::NoFreePlaces)?;
        Ok(TransferChange {
            request: self.changed(TransferState::Offered { offered_at: context.now, expires_at }),
            application: None,
            places: vec![PlaceMove::Offer],
            run_turn_engine: false,
        })
    }

    /// The applicant withdraws the request; an offered place goes back to the pool.
    pub fn withdraw(&self, now: Instant) -> TransferResult<TransferChange> {
        let places = match self.state {
            TransferState::Waiting => Vec::new(),
            TransferState::Offered { .. } => vec![PlaceMove::ReturnOffer],
            _ => return Err(TransferRefusal::TransferNotOpen),
        };
        Ok(TransferChange {
            request: self.changed(TransferState::Withdrawn { withdrawn_at: now }),
            application: None,
            run_turn_engine: !places.is_empty(),
            places,
        })
    }

    /// The sweep: the offer's deadline passed; the offered place goes back to the pool.
    pub fn expire(&self, now: Instant) -> TransferResult<TransferChange> {
        let TransferState::Offered { expires_at, .. } = self.state else {
            return Err(TransferRefusal::TransferNotOffered);
        };
        if now < expires_at {
            return Err(TransferRefusal::TransferOfferNotExpired);
        }
        Ok(TransferChange {
            request: self.changed(TransferState::Expired { expired_at: now }),
            application: None,
            places: vec![PlaceMove::ReturnOffer],
            run_turn_engine: true,
        })
    }

    /// The signed choice of `group_id` (of `kindergarten`, a requested one): the new referral
    /// is issued (R8; the application stays `enrolled`, now in the new group) and the current
    /// place released, in one change. `pool` as it is now: a group with no
    /// free place is [`TransferRefusal::TransferPlaceTaken`].
    pub fn sign(
        &self,
        application: &Application,
        group_id: &GroupId,
        kindergarten: &KindergartenId,
        pool: &Pool,
        context: &RuleContext<'_>,
    ) -> TransferResult<TransferChange> {
        let TransferState::Offered { expires_at, .. } = self.state else {
            return Err(TransferRefusal::TransferNotOffered);
        };
        if context.now >= expires_at {
            return Err(TransferRefusal::TransferOfferExpired);
        }
        let current = enrolled_referral(application)?;
        if current.group_id != self.current_group || application.id != self.application_id {
            return Err(TransferRefusal::NotEnrolled);
        }
        if self.rank_of(kindergarten).is_none() {
            return Err(TransferRefusal::GroupNotRequested);
        }
        let group = pool.group(group_id).ok_or(TransferRefusal::GroupNotRequested)?;
        if group.free == 0 {
            return Err(TransferRefusal::TransferPlaceTaken);
        }
        // Taken with an open offer (`TakeOffered`), like a referral of the turn engine.
        let referral = Referral::issue(group_id.clone(), super::PlaceSource::Offer, context)
            .map_err(|_| TransferRefusal::TransferOfferExpired)?;
        // The child stays enrolled, now in the new group: a second enrolment step could lapse
        // (R9) and leave the child with no place at all, which a transfer must never do.
        let moved = Application {
            state: ApplicationState::Enrolled { referral, enrolled_at: context.now },
            version: application.version + 1,
            ..application.clone()
        };
        Ok(TransferChange {
            request: self.changed(TransferState::Done {
                group_id: group_id.clone(),
                kindergarten_id: kindergarten.clone(),
                moved_at: context.now,
            }),
            application: Some(moved),
            places: vec![
                PlaceMove::TakeOffered { group_id: group_id.clone() },
                PlaceMove::Release { group_id: self.current_group.clone() },
            ],
            run_turn_engine: true,
        })
    }
}
