//! The items a rules `Transition` writes: the application over its expected version, the
//! place moves on the pool and its groups, the outbox notices, the audit event, and the
//! release of the child's uniqueness item when the application was removed. And how the
//! system (turn engine, sweep) commits a change it decided on index data.

use kezek_rules::application::{Command, RuleContext, Transition};
use kezek_rules::places::Pool;

use super::{pause, CONFLICTS_MAX};
use crate::error::Result;
use crate::store::items::{ApplicationItem, AuditItem, Keys, NoticeItem};
use crate::store::{keys, Role, Store, Transaction};

pub fn transition(
    transaction: &mut Transaction,
    table: &str,
    before: &ApplicationItem,
    transition: &Transition,
    actor: &str,
) -> Result<ApplicationItem> {
    let application = &transition.application;
    let after = before.with_application(application.clone());
    transaction.put_versioned(Role::Application, table, &after, before.version)?;
    transaction.place_moves(table, &application.pool, &transition.effects.places)?;
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

/// Applies `command` to `item` (as an index or a batch read showed it) for a system `actor`
/// and commits it: `Some(transition)` when written, `None` when the rules refuse it or the
/// application moved on. The transaction's version condition decides: a transaction that met
/// another in flight is retried; one that found another version re-reads the application
/// (strongly consistent) once and tries again while the rules still allow the command. A
/// failed place condition (`no_free_places`, `group_full`) is the caller's to handle.
pub async fn apply_system(
    store: &Store,
    mut item: ApplicationItem,
    command: &Command,
    pool: &Pool,
    context: &RuleContext<'_>,
    actor: &str,
) -> Result<Option<Transition>> {
    let (mut conflicts, mut reread) = (0, false);
    loop {
        let Ok(change) = item.application.apply(command, pool, context) else {
            return Ok(None);
        };
        let mut transaction = Transaction::new();
        transition(&mut transaction, store.table(), &item, &change, actor)?;
        match store.commit(transaction).await {
            Ok(()) => return Ok(Some(change)),
            Err(error) if error.is("transaction_conflict") && conflicts < CONFLICTS_MAX => {
                conflicts += 1;
                pause(conflicts).await;
            }
            Err(error) if error.is("version_conflict") && !reread => {
                reread = true;
                match store.get::<ApplicationItem>(&keys::application(&item.application.id)).await?
                {
                    Some(fresh) if fresh.version != item.version => item = fresh,
                    _ => return Ok(None),
                }
            }
            Err(error) if error.is("version_conflict") || error.is("transaction_conflict") => {
                return Ok(None)
            }
            Err(error) => return Err(error),
        }
    }
}
