// What every page shares around its views (parent.html, staff.html, verify.html): the
// header's texts and language buttons, "log out", the hash router and the watch that asks to
// log in again when the 30-minute session runs out.
import { whenSessionEnds } from './api.js';
import { go, sessionEnded, showRefusal } from './context.js';
import { clearAnnouncements } from './dom.js';
import { forget, lastSession, session } from './session.js';
import { currentLanguage, fill, setLanguage, startLanguage, t } from './texts.js';

/** The frame's texts (`data-text` keys) in the current language; `title` picks the page's title. */
export function applyTexts(title) {
  const texts = t();
  document.documentElement.lang = currentLanguage();
  document.title = title(texts);
  for (const node of document.querySelectorAll('[data-text]')) {
    node.textContent = node.dataset.text.split('.').reduce((value, key) => value?.[key], texts) ?? '';
  }
  for (const button of document.querySelectorAll('button.language')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === currentLanguage()));
  }
  const logout = document.getElementById('logout');
  const who = document.getElementById('who');
  const current = session();
  if (logout) logout.hidden = !current;
  if (who) who.textContent = current?.name ? fill(texts.loggedIn, { name: current.name }) : '';
}

/**
 * Starts a page: `routes` are `[pattern, view]` over the hash (the first is the fallback),
 * each view called with the pattern's groups; `loggedOut` is where "log out" goes; `before`
 * runs once first (e.g. loading the rules). Sessions are watched only where `sessions`.
 */
export async function startPages({ routes, title, loggedOut = '#/', before = async () => {}, sessions = true }) {
  let rendering = Promise.resolve();
  const route = async () => {
    const hash = window.location.hash.split('?')[0];
    const [pattern, view] = routes.find(([candidate]) => candidate.test(hash)) ?? routes[0];
    const match = hash.match(pattern) ?? [];
    applyTexts(title);
    document.body.dataset.ready = 'false';
    rendering = rendering.then(() => view(...match.slice(1))).catch((error) => {
      console.error(error);
      showRefusal(error);
    });
    await rendering;
    document.body.dataset.ready = 'true';
  };
  startLanguage();
  await before();
  for (const button of document.querySelectorAll('button.language')) {
    button.addEventListener('click', () => {
      setLanguage(button.dataset.language);
      clearAnnouncements();
      route();
    });
  }
  window.addEventListener('hashchange', () => {
    clearAnnouncements();
    route();
  });
  if (sessions) {
    whenSessionEnds(() => sessionEnded());
    document.getElementById('logout')?.addEventListener('click', () => {
      forget();
      go(loggedOut);
    });
    window.setInterval(() => {
      if (lastSession() && !session() && !window.location.hash.startsWith('#/login')) sessionEnded();
    }, 15_000);
  }
  await route();
}
