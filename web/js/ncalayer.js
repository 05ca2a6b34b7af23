// Signing through NCALayer with the npm package ncalayer-js-client (web/vendor/, a copy of
// the package's file, checked equal by tests/browser/pages.test.mjs). The basics module
// (kz.gov.pki.knca.basics) is used; an NCALayer without it gets the older commonUtils
// createCAdESFromBase64. The bytes signed are the server's, as base64 (never retyped).
import { config } from './config.js';

/** Why signing did not happen: `missing` (NCALayer not running), `cancelled`, `failed`. */
export class SigningError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

const purposes = {
  auth: { basics: 'basicsSignerAuthAny', keyType: 'AUTHENTICATION' },
  sign: { basics: 'basicsSignerSignAny', keyType: 'SIGNATURE' },
};

async function connected() {
  const { NCALayerClient } = window;
  if (!NCALayerClient) throw new SigningError('failed', 'ncalayer-js-client is not loaded');
  const client = new NCALayerClient((await config()).ncalayer, false);
  try {
    await client.connect();
  } catch (error) {
    throw new SigningError('missing', String(error?.message ?? error));
  }
  return client;
}

function asSigningError(error) {
  if (error instanceof SigningError) return error;
  if (error?.canceledByUser) return new SigningError('cancelled', error.message);
  return new SigningError('failed', String(error?.message ?? error));
}

/**
 * A detached CMS (CAdES) of `base64` bytes with the key of `purpose` (`auth` or `sign`).
 * Resolves to the base64 CMS.
 */
export async function signBase64(base64, purpose, locale) {
  const { NCALayerClient } = window;
  const client = await connected();
  try {
    const chosen = purposes[purpose];
    let signature;
    try {
      signature = await client.basicsSignCMS(NCALayerClient.basicsStorageAll, base64,
        NCALayerClient.basicsCMSParamsDetached, NCALayerClient[chosen.basics], locale);
    } catch (error) {
      if (error?.canceledByUser || !/module|basics/i.test(String(error?.message))) throw error;
      signature = await client.createCAdESFromBase64(NCALayerClient.fileStorageType, base64, chosen.keyType, false);
    }
    return Array.isArray(signature) ? signature[0] : signature;
  } catch (error) {
    throw asSigningError(error);
  } finally {
    client.wsConnection?.close();
  }
}
