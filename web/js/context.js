// What every view of the parent's pages shares: the regions (with their clocks), the chosen
// region, navigation, session ends, and a refusal in words.
import { get } from './api.js';
import { announce } from './dom.js';
import { forget, rememberReturn, session } from './session.js';
import { fill, reasonText, t } from './texts.js';

let regions = null;

export async function loadRegions() {
  regions ??= (await get('/regions', { anonymous: true })).regions;
  return regions;
}

export async function regionOf(id) {
  return (await loadRegions()).find((region) => region.id === id);
}

export function chosenRegion() {
  return window.sessionStorage.getItem('kezek.region');
}

export function chooseRegion(id) {
  window.sessionStorage.setItem('kezek.region', id);
}

export function go(hash) {
  if (window.location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else window.location.hash = hash;
}

/** The session ended (expired or refused): remember where we were and ask to log in again. */
export function sessionEnded(loginHash = '#/login') {
  const here = window.location.hash || '#/journal';
  if (!here.startsWith('#/login') && !here.startsWith('#/profile')) rememberReturn(here);
  forget();
  go(`${loginHash}?again=1`);
}

/** A view that needs a session: false (and off to the login) when there is none. */
export function needSession(loginHash = '#/login') {
  const current = session();
  if (!current) {
    sessionEnded(loginHash);
    return false;
  }
  if (current.emailRequired) {
    go('#/profile');
    return false;
  }
  return true;
}

/** Shows an API refusal or signing failure in words, with its code kept for tests. */
export function showRefusal(error) {
  if (error?.status === 401) return;
  const code = error?.code ?? 'other';
  announce(fill(t().refused, { reason: reasonText(code) }), 'alert', code);
}
