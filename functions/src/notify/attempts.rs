//! One shard's due notices, attempted together (DESIGN §6), in four steps:
//!
//! 1. each notice is claimed with its own conditional update (one of several concurrent runs
//!    wins; the others skip it), from a random notice of the list on, in chunks; a run whose
//!    chunk was mostly claimed by another run leaves the rest of the shard to it;
//! 2. the contacts of all claimed notices are read in one BatchGetItem (≤ 100 keys a call),
//!    and what a text names besides the notice (a referral's kindergarten) by one Query of the
//!    application for the notice kinds that name it;
//! 3. the channels not yet delivered are published: each SMS by one Publish, the e-mails in
//!    `PublishBatch` calls of up to 10 entries, both at once; a failed entry fails only its
//!    notice's attempt;
//! 4. each notice's delivered channels and the end of its attempt (`sent`, retried with
//!    backoff, dead-lettered after `max_attempts`) are recorded in ONE conditional update
//!    (`Store::record_attempt`).
//!
//! A notice of the normal path costs 2 DynamoDB writes (claim, record) plus its share of one
//! BatchGetItem, 1 Publish per SMS and a tenth of a PublishBatch per e-mail.

use futures_util::stream::{self, StreamExt};

use super::contact::{load_contacts, Contact};
use super::deliver::{email_batches, Email, Publisher};
use super::texts::{render, template, Text};
use super::{details, random_below, Handled, NotifyConfig, NotifyReport, Recorded};
use crate::error::{Error, Result};
use crate::store::outbox::{AttemptEnd, Channel, Claim, OutboxNotice};
use crate::store::Store;
use kezek_rules::time::Instant;

/// Most claims of one chunk: small enough that two runs meeting on a shard find out after a
/// few lost claims, large enough that a run alone claims a shard's 100 in ~13 round trips.
const CLAIM_CHUNK_MAX: usize = 8;

/// One claimed notice on its way through the steps.
struct Attempt {
    claim: Claim,
    notice: OutboxNotice,
    /// Set once the contact and the text are known.
    ready: Option<(Contact, Text)>,
    /// What stopped the attempt before publishing (no contact, a failed read).
    blocked: Option<Error>,
    delivered: Vec<Channel>,
    skipped: Vec<Channel>,
    failures: Vec<String>,
}

impl Attempt {
    fn new(claim: Claim, notice: OutboxNotice) -> Self {
        Self {
            claim,
            notice,
            ready: None,
            blocked: None,
            delivered: Vec::new(),
            skipped: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// Why the attempt failed, if it did.
    fn error(&self) -> Option<Error> {
        if let Some(blocked) = &self.blocked {
            return Some(blocked.clone());
        }
        (!self.failures.is_empty())
            .then(|| Error::DeliveryFailed { detail: self.failures.join("; ") })
    }
}

/// Attempts `due` (one shard's read), adding what happened to `report`. A failed claim or
/// record fails the run (after the other notices of the shard are recorded); a failed read
/// or publish fails only the notices it concerns, which are retried with backoff.
pub(super) async fn attempt_due<P: Publisher>(
    store: &Store,
    publisher: &P,
    config: &NotifyConfig,
    due: Vec<OutboxNotice>,
    now: Instant,
    report: &mut NotifyReport,
) -> Result<()> {
    let concurrency = config.concurrency.max(1);
    let lease_until = now + config.lease;
    // Concurrent runs read the same due list of a shard. Each starts claiming at a random
    // notice of it and goes on in chunks; a chunk mostly lost means another run is claiming
    // from there on, so this run leaves the rest to it (instead of losing every claim after
    // it: one failed UpdateItem each). What is left is claimed by that run or, at worst,
    // stays due for the next run.
    let mut due = due;
    let start = random_below(due.len());
    due.rotate_left(start);
    let mut first_error = None;
    let mut attempts = Vec::with_capacity(due.len());
    let mut chunks = due.chunks(concurrency.min(CLAIM_CHUNK_MAX));
    while let Some(chunk) = chunks.next() {
        // The futures are made before the stream (not by a stream closure over references,
        // which a spawned run's `Send` bound cannot see through).
        let claims: Vec<_> =
            chunk.iter().map(|seen| store.claim_notice(seen, now, lease_until)).collect();
        let claims: Vec<Result<Option<(Claim, OutboxNotice)>>> =
            stream::iter(claims).buffer_unordered(concurrency).collect().await;
        let mut lost = 0;
        for claim in claims {
            match claim {
                Ok(Some((claim, notice))) => attempts.push(Attempt::new(claim, notice)),
                Ok(None) => {
                    lost += 1;
                    report.add(Handled::Skipped);
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if 2 * lost > chunk.len() {
            report.left += chunks.map(<[OutboxNotice]>::len).sum::<usize>();
            break;
        }
    }
    prepare(store, config, &mut attempts, concurrency).await;
    report.sns_calls += publish(publisher, &mut attempts, concurrency).await;
    let recorded: Vec<_> =
        attempts.iter().map(|attempt| record(store, config, attempt, now)).collect();
    let recorded: Vec<Result<Handled>> =
        stream::iter(recorded).buffer_unordered(concurrency).collect().await;
    for handled in recorded {
        match handled {
            Ok(handled) => report.add(handled),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Step 2: contacts (one BatchGetItem per 100), details and texts.
async fn prepare(
    store: &Store,
    config: &NotifyConfig,
    attempts: &mut [Attempt],
    concurrency: usize,
) {
    let mut iins: Vec<&str> =
        attempts.iter().map(|a| a.notice.item.applicant_iin.as_str()).collect();
    iins.sort_unstable();
    iins.dedup();
    let contacts = match load_contacts(store, &iins).await {
        Ok(contacts) => contacts,
        Err(error) => {
            for attempt in attempts.iter_mut() {
                attempt.blocked = Some(error.clone());
            }
            return;
        }
    };
    let found: Vec<_> = attempts
        .iter()
        .map(|attempt| async {
            let contact = contacts
                .get(&attempt.notice.item.applicant_iin)
                .cloned()
                .ok_or(Error::ContactMissing)?;
            let details = details(store, &attempt.notice).await?;
            let text =
                render(&attempt.notice.item.notice.kind, contact.language, &config.clock, &details);
            Ok::<_, Error>((contact, text))
        })
        .collect();
    let found: Vec<Result<(Contact, Text)>> =
        stream::iter(found).buffered(concurrency).collect().await;
    for (attempt, found) in attempts.iter_mut().zip(found) {
        match found {
            Ok(ready) => attempt.ready = Some(ready),
            Err(error) => attempt.blocked = Some(error),
        }
    }
}

/// Step 3: the SMS (one Publish each) and the e-mails (PublishBatch of ≤ 10) not delivered
/// yet, both at once; the SNS calls made.
async fn publish<P: Publisher>(
    publisher: &P,
    attempts: &mut [Attempt],
    concurrency: usize,
) -> usize {
    let mut sms = Vec::new();
    let mut no_phone = Vec::new();
    let mut emails = Vec::new();
    for (i, attempt) in attempts.iter().enumerate() {
        let Some((contact, text)) = &attempt.ready else { continue };
        if !attempt.notice.is_sent(Channel::Sms) {
            match &contact.phone {
                Some(phone) => sms.push((i, phone.as_str(), text.sms.as_str())),
                None => no_phone.push(i),
            }
        }
        if !attempt.notice.is_sent(Channel::Email) {
            emails.push((
                i,
                Email {
                    recipient: &contact.email,
                    language: contact.language.code(),
                    template: template(&attempt.notice.item.notice.kind),
                    notice_id: &attempt.notice.item.notice_id,
                    subject: &text.subject,
                    body: &text.email,
                },
            ));
        }
    }
    let (owners, entries): (Vec<usize>, Vec<Email<'_>>) = emails.into_iter().unzip();
    let batches = email_batches(&entries);
    let calls = sms.len() + batches.len();
    let sms_sent: Vec<_> = sms
        .iter()
        .map(|&(i, phone, text)| async move { (i, publisher.sms(phone, text).await) })
        .collect();
    let sms_sent = stream::iter(sms_sent).buffer_unordered(concurrency).collect::<Vec<_>>();
    let emails_sent: Vec<_> = batches
        .iter()
        .map(|&batch| async move {
            let answers = match publisher.emails(batch).await {
                Ok(answers) if answers.len() == batch.len() => answers,
                Ok(answers) => {
                    let wrong = Error::internal(format!(
                        "{} answers to a batch of {}",
                        answers.len(),
                        batch.len()
                    ));
                    vec![Err(wrong); batch.len()]
                }
                Err(error) => vec![Err(error); batch.len()],
            };
            answers
        })
        .collect();
    let emails_sent = stream::iter(emails_sent).buffered(concurrency).collect::<Vec<_>>();
    let (sms_sent, emails_sent) = futures_util::join!(sms_sent, emails_sent);
    let email_answers: Vec<Result<String>> = emails_sent.into_iter().flatten().collect();
    for i in no_phone {
        attempts[i].skipped.push(Channel::Sms);
    }
    for (i, sent) in sms_sent {
        match sent {
            Ok(_) => attempts[i].delivered.push(Channel::Sms),
            Err(error) => attempts[i].failures.push(error.detail()),
        }
    }
    for (i, sent) in owners.into_iter().zip(email_answers) {
        match sent {
            Ok(_) => attempts[i].delivered.push(Channel::Email),
            Err(error) => attempts[i].failures.push(error.detail()),
        }
    }
    calls
}

/// Step 4: the attempt's delivered channels and its end, in one conditional update.
async fn record(
    store: &Store,
    config: &NotifyConfig,
    attempt: &Attempt,
    now: Instant,
) -> Result<Handled> {
    let claim = &attempt.claim;
    let (end, outcome) = match attempt.error() {
        None => (AttemptEnd::Sent { skipped: attempt.skipped.clone() }, Recorded::Sent),
        Some(error) if claim.attempt >= config.max_attempts => {
            tracing::warn!(notice = %claim.notice_id, attempt = claim.attempt, %error, "notice dead-lettered");
            (AttemptEnd::DeadLetter { error: error.to_string() }, Recorded::DeadLettered)
        }
        Some(error) => {
            tracing::info!(notice = %claim.notice_id, attempt = claim.attempt, %error, "notice will be retried");
            let next_at = now + config.backoff(claim.attempt);
            (AttemptEnd::Retry { next_at, error: error.to_string() }, Recorded::Retried)
        }
    };
    let recorded = store.record_attempt(claim, &attempt.delivered, &end, now).await?;
    Ok(Handled::Claimed {
        messages: attempt.delivered.len(),
        outcome: if recorded { outcome } else { Recorded::Unrecorded },
    })
}
