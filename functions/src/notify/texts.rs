//! The texts of notices (DESIGN §6): every `NoticeKind` in Kazakh and Russian, English for
//! development. All texts of one language live in one function (`kk`, `ru`, `en`); dates are
//! the region's local dates.
//!
//! A deadline instant is 00:00 local after the last day (DESIGN §2), so it reads "until the
//! end of <last day>"; an instant that is not a local midnight reads "until <time> on <date>".

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use kezek_rules::application::{NoticeKind, RemovalReason};
use kezek_rules::time::{Instant, RegionClock};

/// The language of an applicant's notices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Language {
    #[default]
    Kk,
    Ru,
    En,
}

impl Language {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "kk" => Some(Self::Kk),
            "ru" => Some(Self::Ru),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Kk => "kk",
            Self::Ru => "ru",
            Self::En => "en",
        }
    }
}

/// The name of a notice kind: the e-mail's `template` attribute.
pub fn template(kind: &NoticeKind) -> &'static str {
    match kind {
        NoticeKind::TurnCame { .. } => "turn_came",
        NoticeKind::ReferralIssued { .. } => "referral_issued",
        NoticeKind::ReferralLapsed { .. } => "referral_lapsed",
        NoticeKind::RemovedFromQueue { .. } => "removed_from_queue",
        NoticeKind::ReferralCancelled => "referral_cancelled",
        NoticeKind::ExtensionConfirmed { .. } => "extension_confirmed",
        NoticeKind::TransferOffered { .. } => "transfer_offered",
        NoticeKind::TransferExpired => "transfer_expired",
        NoticeKind::TransferDone { .. } => "transfer_done",
    }
}

/// A notice as sent: the SMS text, and the e-mail's subject and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub sms: String,
    pub subject: String,
    pub email: String,
}

/// What a text says besides the notice itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub application_id: String,
    /// The kindergarten of a referral, in Kazakh and Russian, when known.
    pub kindergarten_kk: Option<String>,
    pub kindergarten_ru: Option<String>,
}

/// A deadline as people read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Until {
    /// Through the end of this local date.
    EndOf(NaiveDate),
    /// Up to this local time on this local date.
    At(NaiveDate, NaiveTime),
}

fn until(clock: &RegionClock, at: Instant) -> Until {
    let local = at.with_timezone(&clock.offset_at(at));
    if local.time() == NaiveTime::MIN {
        // 00:00 after the last day: the last day is the one before.
        Until::EndOf(local.date_naive().pred_opt().unwrap_or(local.date_naive()))
    } else {
        Until::At(local.date_naive(), local.time())
    }
}

fn hh_mm(time: NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// Renders `kind` in `language` for the region of `clock`.
pub fn render(
    kind: &NoticeKind,
    language: Language,
    clock: &RegionClock,
    details: &Details,
) -> Text {
    match language {
        Language::Kk => kk(kind, clock, details),
        Language::Ru => ru(kind, clock, details),
        Language::En => en(kind, clock, details),
    }
}

// ---------------------------------------------------------------------------------------
// Қазақша

const KK_MONTHS: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];

fn kk_date(date: NaiveDate) -> String {
    format!("{} жылғы {} {}", date.year(), date.day(), KK_MONTHS[date.month0() as usize])
}

/// "… дейін" phrase: "2026 жылғы 5 наурыз күнінің соңына дейін".
fn kk_until(clock: &RegionClock, at: Instant) -> String {
    match until(clock, at) {
        Until::EndOf(date) => format!("{} күнінің соңына дейін", kk_date(date)),
        Until::At(date, time) => {
            format!("{} күні сағат {} болғанға дейін", kk_date(date), hh_mm(time))
        }
    }
}

fn kk(kind: &NoticeKind, clock: &RegionClock, details: &Details) -> Text {
    let id = &details.application_id;
    let (sms, subject, body) = match kind {
        NoticeKind::TransferOffered { expires_at } => {
            super::transfer_texts::kk_offered(id, &kk_until(clock, *expires_at))
        }
        NoticeKind::TransferExpired => super::transfer_texts::kk_expired(id),
        NoticeKind::TransferDone { .. } => super::transfer_texts::kk_done(id, details),
        NoticeKind::TurnCame { expires_at } => kk_turn_came(clock, details, *expires_at),
        NoticeKind::ReferralIssued { valid_until_at, .. } => {
            let until = kk_until(clock, *valid_until_at);
            let to = details.kindergarten_kk.as_ref().map(|name| format!(" ({name})")).unwrap_or_default();
            (
                format!("Балабақшаға жолдама берілді{to}. Жолдама {until} жарамды."),
                "Балабақшаға жолдама берілді".to_owned(),
                format!(
                    "Өтініш № {id} бойынша балабақшаға жолдама берілді{to}.\n\n\
                     Жолдама {until} жарамды: осы мерзімде баланы балабақшаға апарып, қабылдауды растатыңыз. \
                     Жолдаманы өтініштің құжаттарынан қарап, жүктеп алуға болады. \
                     Мерзімінде пайдаланылмаған жолдаманың күші жойылады."
                ),
            )
        }
        NoticeKind::ReferralLapsed { stop_list_until_at } => {
            let until = kk_until(clock, *stop_list_until_at);
            (
                format!("Жолдаманың мерзімі өтті. Өтініш {until} тоқтату тізімінде болады, содан кейін кезекке қайтады."),
                "Жолдаманың мерзімі өтті".to_owned(),
                format!(
                    "Өтініш № {id} бойынша жолдаманың мерзімі өтті, орын босатылды.\n\n\
                     Өтініш {until} тоқтату тізімінде болады: бұл уақытта кезегіңіз келмейді және балабақша таңдау мүмкін емес. \
                     Содан кейін өтініш кезектегі орнына қайтады. Жолдаманың мерзімі қайта өтсе, өтініш кезектен шығарылуы мүмкін."
                ),
            )
        }
        NoticeKind::RemovedFromQueue { reason } => {
            let why = match reason {
                RemovalReason::Lapses => "жолдаманың мерзімі қайта өтті",
                RemovalReason::Withdrawn => "өтінішті өзіңіз қайтарып алдыңыз",
                RemovalReason::AgedOut => "баланың жасы кезектің жас шегінен асты",
            };
            (
                format!("Өтініш кезектен шығарылды: {why}."),
                "Өтініш кезектен шығарылды".to_owned(),
                format!("Өтініш № {id} кезектен шығарылды: {why}.\n\nҚажет болса, жаңа өтініш беруге болады."),
            )
        }
        NoticeKind::ReferralCancelled => (
            "Жолдама сіздің сұрауыңыз бойынша жойылды, өтініш кезекке қайтарылды.".to_owned(),
            "Жолдама жойылды".to_owned(),
            format!(
                "Өтініш № {id} бойынша жолдама сіздің сұрауыңыз бойынша жойылды, орын босатылды.\n\n\
                 Өтініш кезектегі орнына қайтарылды; бұл жолдаманың мерзімі өтуі болып саналмайды."
            ),
        ),
        NoticeKind::ExtensionConfirmed { valid_until_at } => {
            let until = kk_until(clock, *valid_until_at);
            (
                format!("Жолдаманың мерзімі ұзартылды: жолдама {until} жарамды."),
                "Жолдаманың мерзімі ұзартылды".to_owned(),
                format!(
                    "Өтініш № {id} бойынша жолдаманың мерзімі ұзартылды: жолдама {until} жарамды.\n\n\
                     Жолдаманың мерзімін тек бір рет ұзартуға болады."
                ),
            )
        }
    };
    let email = format!("Құрметті ата-ана!\n\n{body}\n\n—\nkezek. Бұл хабарлама автоматты түрде жіберілді, оған жауап берудің қажеті жоқ.");
    Text { sms, subject: format!("kezek: {subject}"), email }
}

// ---------------------------------------------------------------------------------------
// Русский

const RU_MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

fn ru_date(date: NaiveDate) -> String {
    format!("{} {} {} г.", date.day(), RU_MONTHS[date.month0() as usize], date.year())
}

/// "до …" phrase: "до конца дня 5 марта 2026 г.".
fn ru_until(clock: &RegionClock, at: Instant) -> String {
    match until(clock, at) {
        Until::EndOf(date) => format!("до конца дня {}", ru_date(date)),
        Until::At(date, time) => format!("до {} {}", hh_mm(time), ru_date(date)),
    }
}

fn ru(kind: &NoticeKind, clock: &RegionClock, details: &Details) -> Text {
    let id = &details.application_id;
    let (sms, subject, body) = match kind {
        NoticeKind::TransferOffered { expires_at } => {
            super::transfer_texts::ru_offered(id, &ru_until(clock, *expires_at))
        }
        NoticeKind::TransferExpired => super::transfer_texts::ru_expired(id),
        NoticeKind::TransferDone { .. } => super::transfer_texts::ru_done(id, details),
        NoticeKind::TurnCame { expires_at } => ru_turn_came(clock, details, *expires_at),
        NoticeKind::ReferralIssued { valid_until_at, .. } => {
            let until = ru_until(clock, *valid_until_at);
            let to = details.kindergarten_ru.as_ref().map(|name| format!(" ({name})")).unwrap_or_default();
            (
                format!("Выдано направление в детский сад{to}. Направление действительно {until}"),
                "Выдано направление в детский сад".to_owned(),
                format!(
                    "По заявлению № {id} выдано направление в детский сад{to}.\n\n\
                     Направление действительно {until} В этот срок приведите ребёнка в детский сад для зачисления. \
                     Направление можно посмотреть и скачать в документах заявления. \
                     Неиспользованное в срок направление аннулируется."
                ),
            )
        }
        NoticeKind::ReferralLapsed { stop_list_until_at } => {
            let until = ru_until(clock, *stop_list_until_at);
            (
                format!("Срок направления истёк. Заявление в стоп-листе {until}, затем вернётся в очередь."),
                "Срок направления истёк".to_owned(),
                format!(
                    "По заявлению № {id} истёк срок направления, место освобождено.\n\n\
                     Заявление находится в стоп-листе {until}: в это время очередь не подходит и выбрать детский сад нельзя. \
                     Затем заявление вернётся на своё место в очереди. При повторном истечении срока направления заявление может быть снято с очереди."
                ),
            )
        }
        NoticeKind::RemovedFromQueue { reason } => {
            let why = match reason {
                RemovalReason::Lapses => "срок направления истёк повторно",
                RemovalReason::Withdrawn => "вы отозвали заявление",
                RemovalReason::AgedOut => "ребёнок превысил возраст очереди",
            };
            (
                format!("Заявление снято с очереди: {why}."),
                "Заявление снято с очереди".to_owned(),
                format!("Заявление № {id} снято с очереди: {why}.\n\nПри необходимости вы можете подать новое заявление."),
            )
        }
        NoticeKind::ReferralCancelled => (
            "Направление отменено по вашему запросу, заявление возвращено в очередь.".to_owned(),
            "Направление отменено".to_owned(),
            format!(
                "По заявлению № {id} направление отменено по вашему запросу, место освобождено.\n\n\
                 Заявление возвращено на своё место в очереди; отмена не считается истечением срока направления."
            ),
        ),
        NoticeKind::ExtensionConfirmed { valid_until_at } => {
            let until = ru_until(clock, *valid_until_at);
            (
                format!("Срок направления продлён: направление действительно {until}"),
                "Срок направления продлён".to_owned(),
                format!(
                    "По заявлению № {id} срок направления продлён: направление действительно {until}\n\n\
                     Продлить направление можно только один раз."
                ),
            )
        }
    };
    let email = format!("Уважаемый родитель!\n\n{body}\n\n—\nkezek. Это сообщение отправлено автоматически, отвечать на него не нужно.");
    Text { sms, subject: format!("kezek: {subject}"), email }
}

// ---------------------------------------------------------------------------------------
// English (development)

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn en_date(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), EN_MONTHS[date.month0() as usize], date.year())
}

/// "until …" phrase: "until the end of 5 March 2026".
fn en_until(clock: &RegionClock, at: Instant) -> String {
    match until(clock, at) {
        Until::EndOf(date) => format!("until the end of {}", en_date(date)),
        Until::At(date, time) => format!("until {} on {}", hh_mm(time), en_date(date)),
    }
}

fn en(kind: &NoticeKind, clock: &RegionClock, details: &Details) -> Text {
    let id = &details.application_id;
    let (sms, subject, body) = match kind {
        NoticeKind::TransferOffered { expires_at } => {
            super::transfer_texts::en_offered(id, &en_until(clock, *expires_at))
        }
        NoticeKind::TransferExpired => super::transfer_texts::en_expired(id),
        NoticeKind::TransferDone { .. } => super::transfer_texts::en_done(id, details),
        NoticeKind::TurnCame { expires_at } => en_turn_came(clock, details, *expires_at),
        NoticeKind::ReferralIssued { valid_until_at, .. } => {
            let until = en_until(clock, *valid_until_at);
            let to = details.kindergarten_ru.as_ref().map(|name| format!(" ({name})")).unwrap_or_default();
            (
                format!("A kindergarten referral was issued{to}. It is valid {until}."),
                "Kindergarten referral issued".to_owned(),
                format!(
                    "Application {id}: a kindergarten referral was issued{to}.\n\n\
                     The referral is valid {until}: bring the child to the kindergarten for enrolment by then. \
                     The referral is among the application's documents. A referral not used in time lapses."
                ),
            )
        }
        NoticeKind::ReferralLapsed { stop_list_until_at } => {
            let until = en_until(clock, *stop_list_until_at);
            (
                format!("The referral lapsed. The application is stop-listed {until}, then returns to the queue."),
                "The referral lapsed".to_owned(),
                format!(
                    "Application {id}: the referral lapsed and the place was released.\n\n\
                     The application is stop-listed {until}: no offer and no choice meanwhile. Then it returns to its position in the queue. \
                     If a referral lapses again, the application may be removed from the queue."
                ),
            )
        }
        NoticeKind::RemovedFromQueue { reason } => {
            let why = match reason {
                RemovalReason::Lapses => "the referral lapsed again",
                RemovalReason::Withdrawn => "you withdrew the application",
                RemovalReason::AgedOut => "the child is past the queue's age",
            };
            (
                format!("The application was removed from the queue: {why}."),
                "Application removed from the queue".to_owned(),
                format!("Application {id} was removed from the queue: {why}.\n\nYou may submit a new application if needed."),
            )
        }
        NoticeKind::ReferralCancelled => (
            "The referral was cancelled at your request; the application is back in the queue.".to_owned(),
            "Referral cancelled".to_owned(),
            format!(
                "Application {id}: the referral was cancelled at your request and the place was released.\n\n\
                 The application is back at its position in the queue; a cancellation is not a lapse."
            ),
        ),
        NoticeKind::ExtensionConfirmed { valid_until_at } => {
            let until = en_until(clock, *valid_until_at);
            (
                format!("The referral was extended: it is valid {until}."),
                "Referral extended".to_owned(),
                format!("Application {id}: the referral was extended and is valid {until}.\n\nA referral can be extended only once."),
            )
        }
    };
    let email = format!("Dear parent,\n\n{body}\n\n—\nkezek. This message was sent automatically; please do not reply.");
    Text { sms, subject: format!("kezek: {subject}"), email }
}

/// The "turn came" notice (kk): the deadline of the offer and what happens after it.
fn kk_turn_came(
    clock: &RegionClock,
    details: &Details,
    expires_at: Instant,
) -> (String, String, String) {
    let id = &details.application_id;
    let until = kk_until(clock, expires_at);
    (
        format!("Кезегіңіз келді: балабақшаны {until} таңдап, қол қойыңыз."),
        "Балабақшаға кезегіңіз келді".to_owned(),
        format!(
            "Өтініш № {id} бойынша балабақшаға кезегіңіз келді.\n\n\
             Балабақша мен топты {until} таңдап, таңдауыңызға ЭЦҚ-мен қол қойыңыз. \
             Мерзімінде қол қойылмаса, орын еркін таңдауға беріледі, ал өтінішіңіз кезектегі орнында қалады."
        ),
    )
}

/// The "turn came" notice (ru): the deadline of the offer and what happens after it.
fn ru_turn_came(
    clock: &RegionClock,
    details: &Details,
    expires_at: Instant,
) -> (String, String, String) {
    let id = &details.application_id;
    let until = ru_until(clock, expires_at);
    (
        format!("Подошла ваша очередь: выберите детский сад и подпишите выбор {until}"),
        "Подошла очередь в детский сад".to_owned(),
        format!(
            "По заявлению № {id} подошла ваша очередь в детский сад.\n\n\
             Выберите детский сад и группу и подпишите выбор ЭЦП {until} \
             Если выбор не будет подписан в срок, место перейдёт в свободный выбор, а заявление сохранит своё место в очереди."
        ),
    )
}

/// The "turn came" notice (en): the deadline of the offer and what happens after it.
fn en_turn_came(
    clock: &RegionClock,
    details: &Details,
    expires_at: Instant,
) -> (String, String, String) {
    let id = &details.application_id;
    let until = en_until(clock, expires_at);
    (
        format!("Your turn has come: choose a kindergarten and sign your choice {until}."),
        "Your turn for a kindergarten has come".to_owned(),
        format!(
            "Application {id}: your turn for a kindergarten has come.\n\n\
             Choose a kindergarten and a group and sign your choice with your EDS {until}. \
             If no choice is signed in time, the place goes to free choice and the application keeps its position in the queue."
        ),
    )
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use kezek_rules::places::GroupId;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> Instant {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("instant")
    }

    fn details() -> Details {
        Details {
            application_id: "a1".into(),
            kindergarten_kk: Some("«Балапан»".into()),
            kindergarten_ru: Some("«Балапан»".into()),
        }
    }

    fn every_kind() -> Vec<NoticeKind> {
        let deadline = at(2026, 3, 5, 19);
        vec![
            NoticeKind::TurnCame { expires_at: deadline },
            NoticeKind::ReferralIssued { group_id: GroupId("g".into()), valid_until_at: deadline },
            NoticeKind::ReferralLapsed { stop_list_until_at: deadline },
            NoticeKind::RemovedFromQueue { reason: RemovalReason::Lapses },
            NoticeKind::RemovedFromQueue { reason: RemovalReason::Withdrawn },
            NoticeKind::RemovedFromQueue { reason: RemovalReason::AgedOut },
            NoticeKind::ReferralCancelled,
            NoticeKind::ExtensionConfirmed { valid_until_at: deadline },
            NoticeKind::TransferOffered { expires_at: deadline },
            NoticeKind::TransferExpired,
            NoticeKind::TransferDone { group_id: GroupId("g".into()) },
        ]
    }

    #[test]
    fn the_turn_came_in_kazakh_names_the_last_local_day() {
        // 00:00 +05:00 on Friday 6 March: the last day is Thursday 5 March.
        let text = render(
            &NoticeKind::TurnCame { expires_at: at(2026, 3, 5, 19) },
            Language::Kk,
            &RegionClock::default(),
            &details(),
        );
        assert_eq!(text.sms, "Кезегіңіз келді: балабақшаны 2026 жылғы 5 наурыз күнінің соңына дейін таңдап, қол қойыңыз.");
        let text = render(
            &NoticeKind::TurnCame { expires_at: at(2026, 3, 5, 19) },
            Language::Ru,
            &RegionClock::default(),
            &details(),
        );
        assert_eq!(text.sms, "Подошла ваша очередь: выберите детский сад и подпишите выбор до конца дня 5 марта 2026 г.");
    }

    #[test]
    fn an_instant_that_is_not_midnight_reads_with_its_local_time() {
        let text = render(
            &NoticeKind::ExtensionConfirmed { valid_until_at: at(2026, 12, 31, 9) },
            Language::Ru,
            &RegionClock::default(),
            &details(),
        );
        assert!(text.sms.ends_with("действительно до 14:00 31 декабря 2026 г."), "{}", text.sms);
        let text = render(
            &NoticeKind::ExtensionConfirmed { valid_until_at: at(2026, 12, 31, 9) },
            Language::Kk,
            &RegionClock::default(),
            &details(),
        );
        assert!(
            text.sms.contains("2026 жылғы 31 желтоқсан күні сағат 14:00 болғанға дейін"),
            "{}",
            text.sms
        );
    }

    #[test]
    fn every_kind_has_a_text_in_every_language() {
        for kind in every_kind() {
            let mut seen = Vec::new();
            for language in [Language::Kk, Language::Ru, Language::En] {
                let text = render(&kind, language, &RegionClock::default(), &details());
                assert!(
                    !text.sms.is_empty()
                        && text.subject.starts_with("kezek: ")
                        && text.email.contains("a1"),
                    "{kind:?} {language:?}"
                );
                assert!(
                    text.sms.chars().count() <= 201,
                    "an SMS of at most 3 UCS-2 parts: {}",
                    text.sms
                );
                assert!(
                    text.subject.chars().count() < 100,
                    "SNS subjects are under 100 characters"
                );
                seen.push(text.sms);
            }
            seen.dedup();
            assert_eq!(seen.len(), 3, "each language has its own text: {seen:?}");
        }
    }
}
