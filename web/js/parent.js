// The parent's pages (seed steps 1–14): a hash router over views in js/views/.
import { whenSessionEnds } from './api.js';
import { go, sessionEnded } from './context.js';
import { clearAnnouncements } from './dom.js';
import { loadRules } from './rules.js';
import { forget, lastSession, session } from './session.js';
import { currentLanguage, setLanguage, startLanguage, t } from './texts.js';
import { applicationView } from './views/application.js';
import { chooseView } from './views/choose.js';
import { documentView } from './views/document.js';
import { journalView } from './views/journal.js';
import { loginView } from './views/login.js';
import { profileView } from './views/profile.js';
import { serviceView } from './views/service.js';

const routes = [
  [/^#\/?$/, serviceView],
  [/^#\/login/, loginView],
  [/^#\/profile/, profileView],
  [/^#\/journal(?:\/(documents))?$/, journalView],
  [/^#\/application\/([\w-]{1,64})$/, applicationView],
  [/^#\/choose\/([\w-]{1,64})$/, chooseView],
  [/^#\/document\/([\w-]{1,64})\/([\w-]{1,64})$/, documentView],
];

/** Texts of the page's frame (header, menu) in the current language. */
export function applyTexts() {
  const texts = t();
  document.documentElement.lang = currentLanguage();
  document.title = texts.serviceTitle;
  for (const node of document.querySelectorAll('[data-text]')) {
    node.textContent = node.dataset.text.split('.').reduce((value, key) => value?.[key], texts) ?? '';
  }
  for (const button of document.querySelectorAll('button.language')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === currentLanguage()));
  }
  const current = session();
  document.getElementById('logout').hidden = !current;
  document.getElementById('who').textContent = current?.name ? texts.loggedIn.replace('{name}', current.name) : '';
}

let rendering = Promise.resolve();

async function route() {
  const hash = window.location.hash.split('?')[0];
  const [pattern, view] = routes.find(([candidate]) => candidate.test(hash)) ?? routes[0];
  const match = hash.match(pattern) ?? [];
  applyTexts();
  document.body.dataset.ready = 'false';
  rendering = rendering.then(() => view(...match.slice(1))).catch((error) => {
    console.error(error);
  });
  await rendering;
  document.body.dataset.ready = 'true';
}

async function start() {
  startLanguage();
  await loadRules();
  whenSessionEnds(() => sessionEnded());
  for (const button of document.querySelectorAll('button.language')) {
    button.addEventListener('click', () => {
      setLanguage(button.dataset.language);
      clearAnnouncements();
      route();
    });
  }
  document.getElementById('logout').addEventListener('click', () => {
    forget();
    go('#/');
  });
  window.addEventListener('hashchange', () => {
    clearAnnouncements();
    route();
  });
  // A session that runs out while the page is open: ask to log in again, then come back.
  window.setInterval(() => {
    if (lastSession() && !session() && !window.location.hash.startsWith('#/login')) sessionEnded();
  }, 15_000);
  await route();
}

start();
