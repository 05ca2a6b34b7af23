// The page's language (kk default, ru, en; kept in localStorage) and its texts: the preview's
// (dates, states, reasons, holidays) merged with the pages' own.
import { fill, languages } from '../i18n/index.js';
import en from '../i18n/pages-en.js';
import kk from '../i18n/pages-kk.js';
import ru from '../i18n/pages-ru.js';

const pages = { kk, ru, en };
let language = 'kk';

export function startLanguage() {
  let stored = null;
  try {
    stored = window.localStorage.getItem('kezek.language');
  } catch {
    stored = null;
  }
  language = new URLSearchParams(window.location.search).get('lang') ?? stored ?? 'kk';
  if (!pages[language]) language = 'kk';
  return language;
}

export function currentLanguage() {
  return language;
}

export function setLanguage(next) {
  language = pages[next] ? next : 'kk';
  try {
    window.localStorage.setItem('kezek.language', language);
  } catch {
    // Private windows may refuse storage; the choice then lasts for this page only.
  }
}

/** Every text of the current language. */
export function t() {
  return { ...languages[language], ...pages[language] };
}

export { fill };

/** A region's name in the page's language (English falls back to Russian). */
export function regionName(region) {
  return { kk: region.nameKk, ru: region.nameRu, en: region.nameEn ?? region.nameRu }[language];
}

/** A kindergarten's name in the page's language (kk, else ru). */
export function kindergartenName(item) {
  return language === 'kk' ? item.kindergartenNameKk ?? item.nameKk : item.kindergartenNameRu ?? item.nameRu;
}

/** A refusal code in words (falls back to the code itself, never hidden). */
export function reasonText(code) {
  const texts = t();
  return texts.refusal[code] ?? texts.reason?.[code] ?? texts.error?.[code] ?? code;
}
