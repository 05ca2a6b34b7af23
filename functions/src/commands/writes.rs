//! The items a rules `Transition` writes: the application over its expected version, the
//! place moves on the pool and its groups, the outbox notices, the audit event, and the
//! release of the child's uniqueness item when the application became final.

use kezek_rules::application::Transition;

use crate::error::Result;
use crate::store::items::{ApplicationItem, AuditItem, Keys, NoticeItem};
use crate::store::{keys, Role, Transaction};

pub fn transition(transaction: &mut Transaction, table: &str, before: &ApplicationItem, transition: &Transition, actor: &str) -> Result<ApplicationItem> {
    let application = &transition.application;
    let after = before.with_application(application.clone());
    transaction.put_versioned(Role::Application, table, &after, before.version)?;
    transaction.place_moves(table, &application.pool, &transition.effects.places)?;
    for (index, notice) in transition.effects.notices.iter().enumerate() {
        let notice_id = format!("{}-{}-{index}", application.id.0, application.version);
        let item = NoticeItem::pending(notice_id, notice.clone(), before.applicant_iin.clone(), transition.effects.audit.at);
        transaction.put_new(Role::Record, table, &item)?;
    }
    let audit = AuditItem {
        keys: Keys::base(keys::application_audit(&application.id, application.version)),
        event: transition.effects.audit.clone(),
        actor: actor.to_owned(),
    };
    transaction.put_new(Role::Record, table, &audit)?;
    if application.state.name().is_final() && !before.application.state.name().is_final() {
        transaction.delete_existing(Role::Record, table, &keys::child(&application.child_iin), Some(&application.id.0))?;
    }
    Ok(after)
}
