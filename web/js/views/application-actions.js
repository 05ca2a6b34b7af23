// What a parent can do on the application's page: cancel a referral within 24 h with the
// time left (R12), extend it once by 1–30 days (R11), link the second parent (R3), withdraw.
import { post } from '../api.js';
import { go, showRefusal } from '../context.js';
import { dialog, field, flash, h } from '../dom.js';
import { formatInstant, lastDay, timeLeft } from '../format.js';
import { defaultPolicy } from '../rules.js';
import { serverNow, session } from '../session.js';
import { fill, t } from '../texts.js';

const reload = () => go(window.location.hash);

async function act(route, body, message) {
  try {
    const answer = await post(route, body);
    flash(typeof message === 'function' ? message(answer) : message);
    reload();
  } catch (error) {
    showRefusal(error);
  }
}

function referralCard(details, clock) {
  const texts = t();
  const { application } = details;
  const { referral } = application.state;
  const now = serverNow();
  const cancelOpen = Date.parse(now) < Date.parse(referral.cancelUntilAt);
  const children = [
    h('h3', { id: 'referral-heading', text: texts.referralHeading }),
    h('p', { id: 'valid-until', dataset: { at: referral.validUntilAt }, text: fill(texts.referralValidUntil, { last: lastDay(texts, referral.validUntilAt, clock) }) }),
    h('h4', { text: texts.cancelHeading }),
  ];
  if (cancelOpen) {
    children.push(
      h('p', { id: 'cancel-left', dataset: { until: referral.cancelUntilAt }, text: fill(texts.cancelLeft, { left: timeLeft(texts, referral.cancelUntilAt, now), at: formatInstant(texts, referral.cancelUntilAt, clock) }) }),
      h('button', {
        type: 'button', class: 'secondary', id: 'cancel-referral', text: texts.cancelButton,
        onclick: async () => {
          if (await dialog('confirm-cancel', texts.cancelHeading, texts.cancelConfirm, { ok: texts.cancelButton, cancel: texts.cancel })) {
            await act(`/applications/${application.id}/cancel`, {}, texts.cancelled);
          }
        },
      }));
  } else {
    children.push(h('p', { id: 'cancel-left', dataset: { closed: 'true' }, text: texts.cancelClosed }));
  }
  children.push(h('h4', { text: texts.extendHeading }));
  if (referral.extensionsUsed >= defaultPolicy().extensionsAllowed) {
    children.push(h('p', { id: 'extend-used', text: texts.extendUsed }));
  } else {
    const days = h('input', { type: 'number', min: 1, max: defaultPolicy().extensionMaxDays, value: 5, inputmode: 'numeric', name: 'days' });
    const form = h('form', { id: 'extend', novalidate: true }, field('extend-days', texts.extendDaysLabel, days),
      h('button', { type: 'submit', class: 'secondary', text: texts.extendButton }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      act(`/applications/${application.id}/extend`, { days: Number(days.value) },
        (answer) => fill(texts.extended, { last: lastDay(texts, answer.application.state.referral.validUntilAt, clock) }));
    });
    children.push(form);
  }
  return h('section', { class: 'card', id: 'referral', 'aria-labelledby': 'referral-heading' }, children);
}

function secondParentCard(details) {
  const texts = t();
  const mine = details.applicantIin === session()?.identity?.iin;
  const children = [h('h3', { id: 'second-parent-heading', text: texts.secondParentHeading })];
  children.push(h('p', { id: 'second-parent-now', text: details.secondParentIin ? fill(texts.secondParentIs, { iin: details.secondParentIin }) : texts.secondParentNone }));
  if (mine && !details.secondParentIin && !['enrolled', 'removed'].includes(details.application.state.state)) {
    const iin = h('input', { inputmode: 'numeric', maxlength: 12, autocomplete: 'off', name: 'secondParentIin' });
    const form = h('form', { id: 'second-parent', novalidate: true }, field('second-parent-iin', texts.secondParentLabel, iin),
      h('button', { type: 'submit', class: 'secondary', text: texts.secondParentButton }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      act(`/applications/${details.application.id}/second-parent`, { secondParentIin: iin.value.trim() }, texts.secondParentLinked);
    });
    children.push(form);
  }
  const me = session()?.identity?.iin;
  if (details.secondParentIin === me && !details.linkedIins.includes(me)) {
    children.push(h('button', {
      type: 'button', class: 'secondary', id: 'link', text: texts.linkButton,
      onclick: () => act(`/applications/${details.application.id}/link`, {}, texts.linkDone),
    }));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'second-parent-heading' }, children);
}

function withdrawCard(details) {
  const texts = t();
  if (!['queued', 'offered', 'stop_listed'].includes(details.application.state.state)) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'withdraw-heading' },
    h('h3', { id: 'withdraw-heading', text: texts.withdrawHeading }),
    h('button', {
      type: 'button', class: 'secondary', id: 'withdraw', text: texts.withdrawButton,
      onclick: async () => {
        if (await dialog('confirm-withdraw', texts.withdrawHeading, texts.withdrawConfirm, { ok: texts.withdrawButton, cancel: texts.cancel })) {
          await act(`/applications/${details.application.id}/withdraw`, {}, texts.withdrawn);
        }
      },
    }));
}

export function actionCards(details, clock) {
  return [
    details.application.state.state === 'referred' ? referralCard(details, clock) : null,
    secondParentCard(details),
    withdrawCard(details),
  ];
}
