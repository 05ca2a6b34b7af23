// Seed steps 3–5, for the parent's and the staff's pages alike: log in with the
// authentication key through NCALayer, then the first login asks for the e-mail (R2), then
// back to where the person was (after a session expiry) or to `home`.
import { go } from '../context.js';
import { announce, h, show } from '../dom.js';
import { logIn } from '../login.js';
import { lastSession, takeReturn } from '../session.js';
import { t } from '../texts.js';

export async function loginView({ intro = (texts) => texts.loginIntro, home = '#/journal' } = {}) {
  const texts = t();
  const again = window.location.hash.includes('again=1') && lastSession() !== undefined;
  const button = h('button', { type: 'button', class: 'primary', id: 'login', text: texts.loginButton });
  button.addEventListener('click', async () => {
    button.disabled = true;
    const current = await logIn();
    button.disabled = false;
    if (!current) return;
    if (current.emailRequired) go('#/profile');
    else go(takeReturn() ?? home);
  });
  show('login', h('h2', { text: texts.loginHeading }), h('p', { text: intro(texts) }), button);
  if (again) announce(texts.sessionEnded, 'alert', 'session_ended');
}
