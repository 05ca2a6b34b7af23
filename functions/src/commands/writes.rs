//! The items a rules `Transition` writes: the application over its expected version, the
//! place moves on the pool and its groups, the outbox notices, the audit event, and the
//! release of the child's uniqueness item when the application was removed. And how the
//! system (turn engine, sweep) commits a change it decided on index data.

use kezek_rules::application::{ApplicationState, Command, RuleContext, Transition};
use kezek_rules::policy::Policy;
use kezek_rules::transparency::{record, Reason};
use kezek_rules::RuleError;

use crate::error::{Error, Result};
use crate::retry::{Again, Retry, CONTENDED_ATTEMPTS_MAX, POLICY};
use crate::store::items::{ApplicationItem, AuditItem, Keys, NoticeItem, ReferralListingItem};
use crate::store::tally::Movement;
use crate::store::{keys, PoolView, Role, Store, Transaction};

/// What a transition's log entry says besides the transition: the command, the policy in
/// force, and for an offer its place in the queue (`transparency::record`).
#[derive(Debug, Clone, Copy)]
pub struct Logged<'a> {
    pub command: &'a Command,
    pub policy: &'a Policy,
    pub offer: Option<Reason>,
}

impl<'a> Logged<'a> {
    pub fn new(command: &'a Command, policy: &'a Policy) -> Self {
        Self { command, policy, offer: None }
    }
}

/// Adds the items of `transition` of `before` to `transaction`, whose pool log
/// ([`Transaction::logged`]) gets the transition's entry and place moves.
pub fn transition(
    transaction: &mut Transaction,
    table: &str,
    before: &ApplicationItem,
    transition: &Transition,
    logged: Logged<'_>,
    actor: &str,
) -> Result<ApplicationItem> {
    let application = &transition.application;
    let mut after = before.with_application(application.clone());
    referral_listing(transaction, table, before, &mut after)?;
    transaction.put_versioned(Role::Application, table, &after, before.version)?;
    tally(transaction, table, before, &after)?;
    let log = transaction.log_mut()?;
    if log.pool() != &application.pool {
        return Err(Error::internal("a transition logged in another pool's log"));
    }
    let entry = record::transition_entry(
        &before.application,
        logged.command,
        transition,
        log.counters(),
        logged.policy,
        logged.offer,
    )?;
    log.push(&entry, &transition.effects.places)?;
    for (index, notice) in transition.effects.notices.iter().enumerate() {
        let notice_id = format!("{}-{}-{index}", application.id.0, application.version);
        let item = NoticeItem::pending(
            notice_id,
            notice.clone(),
            before.applicant_iin.clone(),
            transition.effects.audit.at,
        );
        transaction.put_new(Role::Record, table, &item)?;
    }
    let audit = AuditItem {
        keys: Keys::base(keys::application_audit(&application.id, application.version)),
        event: transition.effects.audit.clone(),
        actor: actor.to_owned(),
    };
    transaction.put_new(Role::Record, table, &audit)?;
    if application.state.name().frees_child() && !before.application.state.name().frees_child() {
        transaction.delete_existing(
            Role::Record,
            table,
            &keys::child(&application.child_iin),
            Some(&application.id.0),
        )?;
    }
    Ok(after)
}

/// Keeps the kindergarten's listing of the referral in step (R13, `GET /staff/referrals`):
/// written when the application becomes `referred` (`sign` gives `before` the listing),
/// rewritten when the referral changes (an extension moves its validity), deleted when the
/// application leaves `referred` (enrolled, lapsed, cancelled).
fn referral_listing(
    transaction: &mut Transaction,
    table: &str,
    before: &ApplicationItem,
    after: &mut ApplicationItem,
) -> Result<()> {
    let listed = matches!(before.application.state, ApplicationState::Referred { .. })
        && before.referral_listing.is_some();
    match (&after.application.state, after.referral_listing.as_mut()) {
        (ApplicationState::Referred { referral }, Some(listing)) => {
            listing.valid_until_at = referral.valid_until_at;
            let item = ReferralListingItem::new(listing.clone());
            if listed {
                transaction.put_existing(Role::Record, table, &item)
            } else {
                transaction.put_new(Role::Record, table, &item)
            }
        }
        _ => {
            let Some(listing) = after.referral_listing.take() else { return Ok(()) };
            if !listed {
                return Ok(());
            }
            let key =
                keys::kindergarten_referral(&listing.kindergarten_id, &listing.application_id);
            transaction.delete_existing(Role::Record, table, &key, None)
        }
    }
}

/// Keeps the pool's queue tally in step when the change makes the application join or leave
/// the waiting applications (an offer, its expiry or a stop-list changes nothing there).
pub fn tally(
    transaction: &mut Transaction,
    table: &str,
    before: &ApplicationItem,
    after: &ApplicationItem,
) -> Result<()> {
    match Movement::between(before.queue.as_ref(), after.queue.as_ref()) {
        Some(Movement::Joins) => {
            let entry = after.queue.as_ref().ok_or_else(|| Error::internal("joins the queue"))?;
            transaction.tally(table, &after.application.pool, entry, Movement::Joins)
        }
        Some(Movement::Leaves) => {
            let entry = before.queue.as_ref().ok_or_else(|| Error::internal("leaves the queue"))?;
            transaction.tally(table, &before.application.pool, entry, Movement::Leaves)
        }
        None => Ok(()),
    }
}

/// Applies `command` to `item` (as an index or a batch read showed it) for a system `actor`
/// and commits it: `Some(transition)` when written, `None` when the rules refuse it or the
/// application moved on. The transaction's version condition decides: by the one retry policy,
/// a transaction that met another in flight (or a transient failure) is retried after a pause;
/// one that found another version re-reads the application (strongly consistent) and tries
/// again while the rules still allow the command; one that found the pool's log moved
/// re-reads the pool (`view`, kept up to date with what was written). `offer` is the queue
/// position of a [`Command::Offer`]. A failed place condition (`no_free_places`,
/// `group_full`) is the caller's to handle.
pub async fn apply_system(
    store: &Store,
    mut item: ApplicationItem,
    command: &Command,
    view: &mut PoolView,
    context: &RuleContext<'_>,
    offer: Option<Reason>,
    actor: &str,
) -> Result<Option<Transition>> {
    let mut retry = Retry::new();
    loop {
        let Ok(change) = item.application.apply(command, &view.pool, context) else {
            return Ok(None);
        };
        let mut transaction = Transaction::logged(view.log());
        let logged = Logged { command, policy: context.policy, offer };
        let error = match transition(&mut transaction, store.table(), &item, &change, logged, actor)
        {
            // The moves do not fit the pool as read: the application or the pool was read
            // before another writer changed it; read both again.
            Err(Error::Rule(RuleError::CounterUnderflow { .. })) => Error::Condition(Role::Log),
            Err(error) => return Err(error),
            Ok(_) => {
                let log = transaction.log().cloned();
                match store.commit(transaction).await {
                    Ok(()) => {
                        log.map(|log| view.committed(&log)).transpose()?;
                        return Ok(Some(change));
                    }
                    Err(error) => error,
                }
            }
        };
        match error {
            Error::Condition(Role::Application) if retry.again(&error, Again::Now).await => {
                match store.get::<ApplicationItem>(&keys::application(&item.application.id)).await?
                {
                    Some(fresh) if fresh.version != item.version => item = fresh,
                    _ => return Ok(None),
                }
            }
            Error::Condition(Role::Log) if retry.again(&error, Again::Contended).await => {
                *view = store.load_pool(&view.pool.key).await?;
                match store.get::<ApplicationItem>(&keys::application(&item.application.id)).await?
                {
                    Some(fresh) => item = fresh,
                    None => return Ok(None),
                }
            }
            Error::Condition(Role::Application) | Error::TransactionConflict
                if retry.attempts() >= POLICY.attempts_max =>
            {
                return Ok(None)
            }
            Error::Condition(Role::Log) if retry.attempts() >= CONTENDED_ATTEMPTS_MAX => {
                return Ok(None)
            }
            Error::TransactionConflict if retry.again(&error, Again::Pause).await => {}
            error => return Err(error),
        }
    }
}
