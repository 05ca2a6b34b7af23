// The local service for end-to-end tests: `scripts/serve.sh` on free ports with its own data
// folder (DynamoDB Local, moto, kezek-local), a JSON client, EDS signatures made with the test
// PKI's keys (RSA PKCS#1 v1.5 SHA-256 + certificate, as NCALayer's raw mode), and moto's record
// of what SNS sent.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/// Starts the service; resolves when it says it is listening (at most 3 minutes: the first
/// run builds kezek-local and the test PKI).
export async function startService() {
  const port = await freePort();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'kezek-e2e-'));
  const child = spawn('bash', ['scripts/serve.sh'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), KEZEK_DATA_DIR: data, KEZEK_SWEEP_EVERY: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let motoPort = null;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${output}`)), 180_000);
    const read = (chunk) => {
      output += chunk;
      const moto = output.match(/moto on (\d+)/);
      if (moto) motoPort = Number(moto[1]);
      if (output.includes(`kezek: listening on http://127.0.0.1:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`serve.sh exited (${code}):\n${output}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    data,
    pki: path.join(data, 'pki'),
    motoBase: `http://127.0.0.1:${motoPort}`,
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)));
      fs.rmSync(data, { recursive: true, force: true });
    },
  };
}

/// A JSON client of one service; every POST carries a fresh Idempotency-Key unless given.
export function client(service) {
  return async function call(method, route, { token, body, key } = {}) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (method === 'POST') headers['idempotency-key'] = key ?? crypto.randomUUID();
    const response = await fetch(service.base + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
}

/// A key holder of the test PKI (`auth`, `sign`, `other_sign`, ...): signs bytes the way
/// NCALayer's raw mode does (PKCS#1 v1.5, SHA-256) and hands its certificate along.
export function holder(pki, name) {
  const key = fs.readFileSync(path.join(pki, `${name}.key`), 'utf8');
  const certificate = new crypto.X509Certificate(fs.readFileSync(path.join(pki, `${name}.pem`)));
  return {
    sign(text) {
      return {
        signatureBase64: crypto.sign('sha256', Buffer.from(text, 'utf8'), key).toString('base64'),
        certificateBase64: certificate.raw.toString('base64'),
      };
    },
  };
}

/// What moto's SNS has sent: SMS `{phone, message}` and e-mail topic messages
/// `{message, subject, attributes}`.
export async function sentNotices(service) {
  const data = await (await fetch(`${service.motoBase}/moto-api/data.json`)).json();
  const sms = (data.sns?.SMS ?? []).map((sent) => ({ phone: sent.phone_number, message: sent.message }));
  const topics = (data.sns?.Topic ?? []).flatMap((topic) =>
    // Each sent notification: [message id, message, subject, attributes, group id].
    (topic.sent_notifications ?? []).map((sent) => ({ message: sent[1], subject: sent[2], attributes: sent[3] })),
  );
  return { sms, topics };
}

/// A valid IIN for a birth date (DESIGN §3: weights 1..11, then 3..11,1,2; mod 11).
export function iinFor(birthDate, sexDigit, serial) {
  const [year, month, day] = birthDate.split('-');
  for (let n = serial; n < serial + 50; n += 1) {
    const digits = `${year.slice(2)}${month}${day}${sexDigit}${String(n).padStart(4, '0')}`.split('').map(Number);
    let check = digits.reduce((sum, d, i) => sum + d * (i + 1), 0) % 11;
    if (check === 10) check = digits.reduce((sum, d, i) => sum + d * (((i + 2) % 11) + 1), 0) % 11;
    if (check !== 10) return digits.join('') + check;
  }
  throw new Error('no IIN');
}
