// Writes what the local service serves of one application's log after the seed steps to
// rules-wasm/tests/transparency_verifier/server-log.json, the fixture of the native test
// rules-wasm/tests/transparency_verifier.rs (the verifier module's functions on the server's
// real answers): the verifier key, an older checkpoint, the application's /log answer
// against a newer one and the consistency proof between them.
// Run: node tests/browser/capture-log-fixture.mjs (starts the local service like tests/e2e/).
import { writeFileSync } from 'node:fs';

import { client, holder, iinFor, startService } from '../e2e/service.mjs';

const REGION = 'kz-zhetisu-taldykorgan';
const GROUP = 'tk-001-2024-kk';
const service = await startService();
try {
  const api = client(service);
  const ok = async (promise) => {
    const answer = await promise;
    if (answer.status >= 300) throw new Error(JSON.stringify(answer.body));
    return answer.body;
  };
  const login = async (name, email) => {
    const challenge = await ok(api('POST', '/auth/challenge'));
    const session = await ok(api('POST', '/auth/login', { body: { nonce: challenge.nonce, signature: holder(service.pki, name).sign(challenge.signedText) } }));
    return session.emailRequired ? (await ok(api('POST', '/auth/profile', { token: session.token, body: { email, language: 'en' } }))).token : session.token;
  };
  const parent = await login('auth', 'parent@example.kz');
  const staff = await login('staff_auth', 'staff@tk-001.example.kz');
  const enqueue = async (iin) => (await ok(api('POST', '/applications', { token: parent, body: { regionId: REGION, childIin: iin, priority: 'general' } }))).application.id;
  const id = await enqueue(iinFor('2024-02-10', 5, 500));
  await ok(api('POST', '/local/sweep'));
  const older = await ok(api('GET', `/applications/${id}/log`, { token: parent }));
  await ok(api('POST', '/staff/places', { token: staff, body: { action: 'publish', groupId: GROUP, count: 1 } }));
  await ok(api('POST', '/local/sweep'));
  const choice = await ok(api('POST', `/applications/${id}/choose`, { token: parent, body: { groupId: GROUP } }));
  await ok(api('POST', `/applications/${id}/sign`, { token: parent, body: { nonce: choice.nonce, signature: holder(service.pki, 'sign').sign(choice.signedText) } }));
  await enqueue(iinFor('2024-03-11', 6, 510));
  await ok(api('POST', '/local/sweep'));
  const log = await ok(api('GET', `/applications/${id}/log`, { token: parent }));
  const vkey = (await (await fetch(`${service.base}/transparency/key`)).text()).trim();
  const consistency = await ok(api('GET', `/transparency/${REGION}/2024/consistency/${older.treeSize}/${log.treeSize}`));
  const fixture = { id, vkey, older: { treeSize: older.treeSize, checkpoint: older.checkpoint }, log, consistency };
  writeFileSync(new URL('../../rules-wasm/tests/transparency_verifier/server-log.json', import.meta.url), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`sizes ${older.treeSize} → ${log.treeSize}, ${log.entries.length} entries of ${id}`);
} finally {
  await service.stop();
}
