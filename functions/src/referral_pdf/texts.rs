//! The paper's fixed words, in Kazakh and Russian (the referral is bilingual, as the state's
//! documents are).

/// `(Kazakh, Russian)`.
pub type Both = (&'static str, &'static str);

pub const TITLE: Both =
    ("Мемлекеттік балабақшаға жолдама", "Направление в государственный детский сад");
pub const NUMBER: Both = ("Жолдама нөмірі", "Номер направления");
pub const CHILD: Both = ("Баланың ЖСН", "ИИН ребёнка");
pub const KINDERGARTEN: Both = ("Балабақша", "Детский сад");
pub const ADDRESS: Both = ("Мекенжайы", "Адрес");
pub const GROUP: Both = ("Топ", "Группа");
pub const LANGUAGE: Both = ("Оқыту тілі", "Язык обучения");
pub const ISSUED: Both = ("Берілген күні", "Дата выдачи");
pub const VALID_UNTIL: Both =
    ("Жарамдылық мерзімі (қоса алғанда)", "Действительно по (включительно)");
pub const SIGNER: Both = ("Қол қойған", "Подписал");
pub const SERIAL: Both = ("Сертификаттың сериялық нөмірі", "Серийный номер сертификата");
pub const VERIFY: Both = (
    "Бұл жолдамаға ЭЦҚ қойылған және оның жарамдылығын QR-код немесе сілтеме арқылы тексеруге болады",
    "Направление подписано ЭЦП; его действительность проверяется по QR-коду или ссылке",
);
pub const STATUS: Both = ("Жолдама күйі (басып шығарылған кезде)", "Статус (на момент печати)");

/// The language of instruction of a group in both languages.
pub fn language(code: &str) -> Both {
    match code {
        "kk" => ("қазақ тілі", "казахский язык"),
        "ru" => ("орыс тілі", "русский язык"),
        "en" => ("ағылшын тілі", "английский язык"),
        _ => ("—", "—"),
    }
}

/// A referral status in both languages.
pub fn status(status: crate::commands::referral_verify::ReferralStatus) -> Both {
    use crate::commands::referral_verify::ReferralStatus::*;
    match status {
        Valid => ("жарамды", "действительно"),
        Lapsed => ("мерзімі өтті", "срок истёк"),
        Cancelled => ("жойылды", "аннулировано"),
        Used => ("пайдаланылды (бала қабылданды)", "использовано (ребёнок зачислен)"),
    }
}
