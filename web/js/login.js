// Seed steps 3–5: the server's challenge is signed with the authentication key (AUTH_RSA)
// through NCALayer and posted; the session is kept. Shared by the parent's and staff pages.
import { post } from './api.js';
import { announce } from './dom.js';
import { signBase64 } from './ncalayer.js';
import { keep } from './session.js';
import { currentLanguage, fill, t } from './texts.js';

/** Logs in; resolves to the session, or null after saying why not (NCALayer, refusal). */
export async function logIn() {
  const texts = t();
  announce(texts.loginWorking);
  let challenge;
  try {
    challenge = await post('/auth/challenge', {}, { anonymous: true });
  } catch (error) {
    announce(fill(texts.refused, { reason: error.code }), 'alert', error.code);
    return null;
  }
  const signatureBase64 = await signOrSay(challenge.signedBase64, 'auth');
  if (signatureBase64 === null) return null;
  try {
    const answer = await post('/auth/login', { nonce: challenge.nonce, signature: { signatureBase64 } }, { anonymous: true });
    announce(fill(texts.loggedIn, { name: answer.name }));
    return keep(answer);
  } catch (error) {
    const reason = texts.refusal[error.code] ?? error.code;
    announce(fill(texts.refused, { reason }), 'alert', error.code);
    return null;
  }
}

/**
 * The signature of `signedBase64` by the person's `keyType` key ('auth' or 'sign') through
 * NCALayer, or null once its failure is said (sayNcaLayerFailure).
 */
export async function signOrSay(signedBase64, keyType) {
  try {
    return await signBase64(signedBase64, keyType, currentLanguage());
  } catch (error) {
    sayNcaLayerFailure(error);
    return null;
  }
}

/** NCALayer absent, cancelled or failing, in words with what to do. */
function sayNcaLayerFailure(error) {
  const texts = t();
  const kind = error?.kind ?? 'failed';
  const message = { missing: texts.ncalayerMissing, cancelled: texts.ncalayerCancelled }[kind]
    ?? fill(texts.ncalayerFailed, { message: error?.message ?? '' });
  announce(message, 'alert', `ncalayer_${kind}`);
}
