// Seed steps 3–5 for a parent: log in, then the first login asks for the e-mail (R2), then
// back to where the parent was (after a session expiry) or to the applications journal.
import { go } from '../context.js';
import { announce, h, show } from '../dom.js';
import { logIn } from '../login.js';
import { lastSession, takeReturn } from '../session.js';
import { t } from '../texts.js';

export async function loginView() {
  const texts = t();
  const again = window.location.hash.includes('again=1') && lastSession() !== undefined;
  const button = h('button', { type: 'button', class: 'primary', id: 'login', text: texts.loginButton });
  button.addEventListener('click', async () => {
    button.disabled = true;
    const current = await logIn();
    button.disabled = false;
    if (!current) return;
    if (current.emailRequired) go('#/profile');
    else go(takeReturn() ?? '#/journal');
  });
  show('login',
    h('h2', { text: texts.loginHeading }),
    h('p', { text: texts.loginIntro }),
    button);
  if (again) announce(texts.sessionEnded, 'alert', 'session_ended');
}
