// The HTTP API (functions/openapi.json): JSON in and out, a fresh Idempotency-Key on every
// POST, the bearer token of the session. A refusal is thrown as ApiError with its code.
import { config } from './config.js';
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

/** Codes meaning "log in (again)". */
export const SESSION_CODES = new Set(['token_expired', 'token_invalid', 'token_missing']);

let onSessionEnded = () => {};

/** Called with the error when the server says the session is over. */
export function whenSessionEnds(handler) {
  onSessionEnded = handler;
}

function idempotencyKey() {
  return window.crypto.randomUUID ? window.crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

export async function call(method, route, { body, token, anonymous = false } = {}) {
  const { api } = await config();
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const bearer = token ?? (anonymous ? null : session()?.token);
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (method === 'POST') headers['idempotency-key'] = idempotencyKey();
  let response;
  try {
    response = await fetch(api + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network_unreachable', 'the service cannot be reached');
  }
  const text = await response.text();
  let value = null;
  try {
    value = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(response.status, 'answer_not_json', text.slice(0, 200));
  }
  if (response.ok) return value;
  const error = new ApiError(response.status, value?.code ?? 'other', value?.message);
  if (response.status === 401 && SESSION_CODES.has(error.code)) onSessionEnded(error);
  throw error;
}

/** A file the API answers (the referral PDF) as a Blob; a refusal is JSON, thrown as ApiError. */
export async function download(route) {
  const { api } = await config();
  const bearer = session()?.token;
  let response;
  try {
    response = await fetch(api + route, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  } catch {
    throw new ApiError(0, 'network_unreachable', 'the service cannot be reached');
  }
  if (response.ok) return response.blob();
  const value = await response.json().catch(() => null);
  const error = new ApiError(response.status, value?.code ?? 'other', value?.message);
  if (response.status === 401 && SESSION_CODES.has(error.code)) onSessionEnded(error);
  throw error;
}

export const get = (route, options) => call('GET', route, options);
export const post = (route, body = {}, options = {}) => call('POST', route, { ...options, body });
