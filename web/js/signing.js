// The signing every signed choice of the parent's pages shares (seed steps 12–13, and the
// transfer of issue 15): the server issues the exact bytes to sign, NCALayer signs them with
// the signing key (CAdES), the signature is posted. One flow, so a choice and a move cannot
// sign differently.
import { post } from './api.js';
import { announce } from './dom.js';
import { signOrSay } from './login.js';
import { t } from './texts.js';

/**
 * Posts `chooseBody` to `chooseRoute`, signs the answer's bytes, posts `signBody(choice,
 * signatureBase64)` to `signRoute`. Resolves to the sign route's answer, or to null when
 * NCALayer failed (said on the page); a refusal of either route is thrown.
 */
export async function signThrough({ chooseRoute, chooseBody, signRoute, signBody }) {
  const choice = await post(chooseRoute, chooseBody);
  announce(t().signWorking);
  const signatureBase64 = await signOrSay(choice.signedBase64, 'sign');
  if (signatureBase64 === null) return null;
  return post(signRoute, signBody(choice, signatureBase64));
}
