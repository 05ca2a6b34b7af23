// A stand-in for NCALayer (test code only): NCALayer is a desktop application that cannot run
// here, so the browser tests start this WebSocket server speaking its published protocol —
// the greeting `{"result":{"version":…}}`, the basics module (`kz.gov.pki.knca.basics`
// method `sign`, format `cms`) and the older `kz.gov.pki.knca.commonUtils`
// `createCAdESFromBase64` — and sign with the test PKI's .p12 keys through
// scripts/sign-with-p12.sh (openssl CMS, detached, SHA-256), as NCALayer would after the
// person chose a key and typed its password. The page is pointed at it by config.json.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const SIGN_SCRIPT = path.join(repository, 'scripts/sign-with-p12.sh');
const AUTH_OID = '1.3.6.1.5.5.7.3.2';

/** A detached CMS of `bytes` with `pki/<name>.p12` (password "test"), base64. */
export function cmsWithP12(pki, name, bytes) {
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [SIGN_SCRIPT, path.join(pki, `${name}.p12`), 'test', '-'], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`sign-with-p12: ${stderr}`));
      else resolve(stdout.trim());
    });
    child.stdin.end(bytes);
  });
}

/**
 * Starts the stand-in on 127.0.0.1 (a free port). `keys` names the .p12 chosen for each
 * purpose (`auth`: authentication key, `sign`: signing key); `mode` is `sign`, `cancel`
 * (the person closes the dialog) or `old` (an NCALayer without the basics module).
 * `requests` records every request the page sent.
 */
export async function startStandin(pki) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const standin = {
    url: `ws://127.0.0.1:${server.address().port}`,
    keys: { auth: 'auth', sign: 'sign' },
    mode: 'sign',
    requests: [],
    close: () => new Promise((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(resolve);
    }),
  };
  server.on('connection', (socket) => {
    socket.send(JSON.stringify({ result: { version: '1.4-standin' } }));
    socket.on('message', async (raw) => {
      const request = JSON.parse(String(raw));
      standin.requests.push(request);
      socket.send(JSON.stringify(await answer(standin, pki, request)));
    });
  });
  return standin;
}

async function answer(standin, pki, request) {
  if (request.module === 'kz.gov.pki.knca.basics' && request.method === 'sign') {
    if (standin.mode === 'old') return { code: '500', message: 'module kz.gov.pki.knca.basics not found' };
    if (standin.mode === 'cancel') return { status: true, body: {} };
    const { data, format, signerParams } = request.args;
    if (format !== 'cms') return { status: false, code: 'UNSUPPORTED', message: `format ${format}` };
    const purpose = (signerParams?.extKeyUsageOids ?? []).includes(AUTH_OID) ? 'auth' : 'sign';
    const cms = await cmsWithP12(pki, standin.keys[purpose], Buffer.from(data, 'base64'));
    return { status: true, body: { result: [cms] } };
  }
  if (request.module === 'kz.gov.pki.knca.commonUtils' && request.method === 'createCAdESFromBase64') {
    if (standin.mode === 'cancel') return { code: '500', message: 'action.canceled' };
    const [, keyType, data] = request.args;
    const purpose = keyType === 'AUTHENTICATION' ? 'auth' : 'sign';
    return { code: '200', responseObject: await cmsWithP12(pki, standin.keys[purpose], Buffer.from(data, 'base64')) };
  }
  return { code: '500', message: `unknown ${request.module}.${request.method}` };
}
