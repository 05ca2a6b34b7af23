// R2: the first login asks for the e-mail (and phone, language of notices) before anything.
import { get, post } from '../api.js';
import { go } from '../context.js';
import { announce, field, flash, h, show } from '../dom.js';
import { keep, session, takeReturn } from '../session.js';
import { currentLanguage, fill, reasonText, t } from '../texts.js';

export async function profileView(nextHash = '#/journal') {
  const texts = t();
  const current = session();
  if (!current) return go('#/login');
  let profile = null;
  if (!current.emailRequired) profile = (await get('/auth/profile').catch(() => null))?.profile ?? null;
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', required: true, value: profile?.email ?? '' });
  const phone = h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', inputmode: 'tel', value: profile?.phone ?? '' });
  const language = h('select', { name: 'language' }, ['kk', 'ru', 'en'].map((code) =>
    h('option', { value: code, text: { kk: 'Қазақша', ru: 'Русский', en: 'English' }[code] })));
  language.value = profile?.language ?? currentLanguage();
  const form = h('form', { id: 'profile', novalidate: true },
    field('email', texts.emailLabel, email),
    field('phone', texts.phoneLabel, phone),
    field('notice-language', texts.noticeLanguageLabel, language),
    h('button', { type: 'submit', class: 'primary', text: texts.save }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const answer = await post('/auth/profile', { email: email.value.trim(), phone: phone.value.trim() || null, language: language.value });
      keep({ ...answer, emailRequired: false });
      flash(texts.saved);
      go(takeReturn() ?? nextHash);
    } catch (error) {
      const target = error.code === 'phone_invalid' ? phone : email;
      target.setAttribute('aria-invalid', 'true');
      target.focus();
      announce(fill(texts.refused, { reason: reasonText(error.code) }), 'alert', error.code);
    }
  });
  show('profile', h('h2', { text: texts.profileHeading }), h('p', { text: texts.profileIntro }), form);
}
