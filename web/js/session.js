// The session token (30 minutes, DESIGN R2) and the server's clock, kept for this tab only.
// The server's "now" is derived from the session's expiry, so dates on the page follow the
// service's clock, not the browser's.
const KEY = 'kezek.session';
const RETURN_KEY = 'kezek.return';
const SESSION_MINUTES = 30;

function read() {
  try {
    return JSON.parse(window.sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

let current = read();

/** Keeps a session answer of `/auth/login` or `/auth/profile`. */
export function keep(answer) {
  const serverNowMs = Date.parse(answer.expiresAt ?? current?.expiresAt) - SESSION_MINUTES * 60_000;
  current = {
    token: answer.token,
    expiresAt: answer.expiresAt ?? current?.expiresAt,
    identity: answer.identity ?? current?.identity,
    name: answer.name ?? current?.name ?? '',
    emailRequired: Boolean(answer.emailRequired),
    skewMs: answer.expiresAt ? serverNowMs - Date.now() : current?.skewMs ?? 0,
  };
  window.sessionStorage.setItem(KEY, JSON.stringify(current));
  return current;
}

export function session() {
  if (current && Date.parse(current.expiresAt) <= Date.now() + (current.skewMs ?? 0)) return null;
  return current;
}

/** The session even after its expiry (to greet the person who must log in again). */
export function lastSession() {
  return current;
}

export function forget() {
  current = null;
  window.sessionStorage.removeItem(KEY);
}

/** The service's current instant (RFC 3339), as far as this tab knows it. */
export function serverNow() {
  return new Date(Date.now() + (current?.skewMs ?? 0)).toISOString();
}

/** Where to come back to after logging in again. */
export function rememberReturn(hash) {
  window.sessionStorage.setItem(RETURN_KEY, hash);
}

export function takeReturn() {
  const hash = window.sessionStorage.getItem(RETURN_KEY);
  window.sessionStorage.removeItem(RETURN_KEY);
  return hash;
}
