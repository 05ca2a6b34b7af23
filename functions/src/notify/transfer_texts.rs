//! The texts of the transfer notices (issue 15): a place offered for the requested transfer,
//! its expiry, the completed move. `(sms, subject, body)` per language, as in `texts`.

use super::texts::Details;

type Parts = (String, String, String);

pub(super) fn kk_offered(id: &str, until: &str) -> Parts {
    (
        format!("Ауыстыруға орын табылды: топты {until} таңдап, қол қойыңыз. Әйтпесе бала қазіргі орнында қалады."),
        "Ауыстыруға орын табылды".to_owned(),
        format!(
            "Өтініш № {id} бойынша сұраған балабақшаңыздан орын табылды.\n\n\
             Топты {until} таңдап, ЭЦҚ-мен қол қойыңыз. Қол қойғанда жаңа жолдама беріледі және \
             қазіргі орын сол сәтте босатылады. Мерзімінде қол қойылмаса, бала қазіргі орнында қалады."
        ),
    )
}

pub(super) fn kk_expired(id: &str) -> Parts {
    (
        "Ауыстыру ұсынысының мерзімі өтті; бала қазіргі балабақшасында қалады.".to_owned(),
        "Ауыстыру ұсынысының мерзімі өтті".to_owned(),
        format!(
            "Өтініш № {id} бойынша ауыстыру ұсынысына мерзімінде қол қойылмады.\n\n\
             Бала қазіргі балабақшасында қалады. Қажет болса, ауыстыруды қайта сұрауға болады."
        ),
    )
}

pub(super) fn kk_done(id: &str, details: &Details) -> Parts {
    let to = details.kindergarten_kk.as_ref().map(|name| format!(" ({name})")).unwrap_or_default();
    (
        format!("Бала басқа балабақшаға ауыстырылды{to}; бұрынғы орын босатылды."),
        "Бала басқа балабақшаға ауыстырылды".to_owned(),
        format!(
            "Өтініш № {id} бойынша бала басқа балабақшаға ауыстырылды{to}.\n\n\
             Жаңа жолдама өтініштің құжаттарында; бұрынғы балабақшадағы орын босатылды."
        ),
    )
}

pub(super) fn ru_offered(id: &str, until: &str) -> Parts {
    (
        format!("Для перевода нашлось место: выберите группу и подпишите выбор {until}. Иначе ребёнок останется на текущем месте."),
        "Для перевода нашлось место".to_owned(),
        format!(
            "По заявлению № {id} нашлось место в запрошенном детском саду.\n\n\
             Выберите группу и подпишите выбор ЭЦП {until}. При подписании выдаётся новое \
             направление, а текущее место освобождается в тот же момент. Если не подписать в срок, \
             ребёнок останется на текущем месте."
        ),
    )
}

pub(super) fn ru_expired(id: &str) -> Parts {
    (
        "Срок предложения перевода истёк; ребёнок остаётся в текущем детском саду.".to_owned(),
        "Срок предложения перевода истёк".to_owned(),
        format!(
            "По заявлению № {id} предложение перевода не было подписано в срок.\n\n\
             Ребёнок остаётся в текущем детском саду. При необходимости перевод можно запросить снова."
        ),
    )
}

pub(super) fn ru_done(id: &str, details: &Details) -> Parts {
    let to = details.kindergarten_ru.as_ref().map(|name| format!(" ({name})")).unwrap_or_default();
    (
        format!("Ребёнок переведён в другой детский сад{to}; прежнее место освобождено."),
        "Ребёнок переведён в другой детский сад".to_owned(),
        format!(
            "По заявлению № {id} ребёнок переведён в другой детский сад{to}.\n\n\
             Новое направление — в документах заявления; место в прежнем детском саду освобождено."
        ),
    )
}

pub(super) fn en_offered(id: &str, until: &str) -> Parts {
    (
        format!("A place was found for the transfer: choose a group and sign {until}. Otherwise the child keeps the current place."),
        "A place for the transfer".to_owned(),
        format!(
            "For application No. {id} a place was found in a kindergarten you asked for.\n\n\
             Choose a group and sign the choice with your EDS {until}. Signing issues the new \
             referral and releases the current place at the same moment. If it is not signed in \
             time, the child keeps the current place."
        ),
    )
}

pub(super) fn en_expired(id: &str) -> Parts {
    (
        "The transfer offer expired; the child stays in the current kindergarten.".to_owned(),
        "The transfer offer expired".to_owned(),
        format!(
            "For application No. {id} the transfer offer was not signed in time.\n\n\
             The child stays in the current kindergarten. You may ask for a transfer again."
        ),
    )
}

pub(super) fn en_done(id: &str, details: &Details) -> Parts {
    let to = details.kindergarten_ru.as_ref().map(|name| format!(" ({name})")).unwrap_or_default();
    (
        format!("The child moved to another kindergarten{to}; the old place was released."),
        "The child moved to another kindergarten".to_owned(),
        format!(
            "For application No. {id} the child moved to another kindergarten{to}.\n\n\
             The new referral is in the application's documents; the place in the old kindergarten was released."
        ),
    )
}
