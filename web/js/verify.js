// The public verification page the referral PDF's QR code opens (`verify.html#<code>`): no
// login; whether the referral is valid, lapsed, cancelled or used, with only what the paper
// itself shows (kindergarten, group, language, address, dates) — never a name or an IIN.
// The code stays in the URL's fragment, so it is not sent to the server hosting this page.
import { get } from './api.js';
import { announce, facts, h, show } from './dom.js';
import { formatDate, formatInstant } from './format.js';
import { startPages } from './frame.js';
import { fill, kindergartenName, t } from './texts.js';

const CODE = /^#([A-Za-z0-9_-]{23,64})$/;

function verdict(status) {
  const texts = t().verify;
  const valid = status === 'valid';
  return h('p', { id: 'verdict', class: `decision ${valid ? 'allowed' : 'blocked'}`, dataset: { status } },
    h('span', { 'aria-hidden': 'true', text: valid ? '✓ ' : '✗ ' }), texts.status[status] ?? status);
}

async function verifyView(code) {
  const texts = t();
  const v = texts.verify;
  const intro = h('p', { text: v.intro });
  if (!code) {
    show('verify', h('h2', { text: v.heading }), intro);
    return announce(v.noCode, 'alert', 'code_missing');
  }
  announce(v.checking);
  let referral;
  try {
    referral = await get(`/referrals/${code}`, { anonymous: true });
  } catch (error) {
    show('verify', h('h2', { text: v.heading }), intro);
    return announce(error.code === 'not_found' ? v.notFound : fill(texts.refused, { reason: error.code }), 'alert', error.code);
  }
  announce('');
  const f = v.fields;
  show('verify',
    h('h2', { text: v.heading }),
    verdict(referral.status),
    facts([
      [f.number, referral.number, 'number'],
      [f.kindergarten, kindergartenName(referral), 'kindergarten'],
      [f.group, referral.groupName, 'group'],
      [f.language, texts.instructionLanguage[referral.language] ?? referral.language, 'language'],
      [f.address, referral.address, 'address'],
      [f.issued, formatInstant(texts, referral.issuedAt), 'issued'],
      [f.validUntil, formatDate(texts, referral.lastValidDate), 'validUntil'],
    ]),
    h('p', { class: 'hint', id: 'checked', text: fill(v.checkedAt, { at: formatInstant(texts, new Date().toISOString()) }) }),
    intro);
}

startPages({
  routes: [[CODE, verifyView], [/.*/, () => verifyView(null)]],
  title: (texts) => texts.verify.title,
  sessions: false,
});
