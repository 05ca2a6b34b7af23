// Seed step 14: the referral in the tab "General documents", to view and download.
import { get } from '../api.js';
import { needSession, regionOf } from '../context.js';
import { facts, h, show } from '../dom.js';
import { formatInstant, lastDay } from '../format.js';
import { config } from '../config.js';
import { fill, kindergartenName, t } from '../texts.js';

export async function documentView(id, number) {
  if (!needSession()) return;
  const texts = t();
  const document = await get(`/applications/${id}/documents/${number}`);
  const { application } = await get(`/applications/${id}`);
  const region = await regionOf(application.pool.regionId);
  const clock = region?.clock;
  const f = texts.documentFields;
  const json = new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
  const { api } = await config();
  show('document',
    h('h2', { text: fill(texts.documentHeading, { number: document.number }) }),
    facts([
      [f.number, document.number, 'number'],
      [f.child, document.childIin, 'child'],
      [f.kindergarten, kindergartenName(document), 'kindergarten'],
      [f.group, document.groupName, 'group'],
      [f.language, texts.instructionLanguage[document.language] ?? document.language, 'language'],
      [f.address, document.address, 'address'],
      [f.issued, formatInstant(texts, document.issuedAt, clock), 'issued'],
      [f.validUntil, lastDay(texts, document.validUntilAt, clock), 'validUntil'],
      [f.signer, `${document.evidence.signerName ?? ''} (${document.evidence.signerIin})`, 'signer'],
      [f.serial, document.evidence.certificateSerial ?? '—', 'serial'],
    ]),
    h('p', { class: 'actions' },
      h('a', { href: URL.createObjectURL(json), download: `${document.number}.json`, id: 'download-json', text: texts.downloadJson }),
      document.pdf === false ? null : h('a', { href: `${api}/applications/${id}/documents/${document.number}.pdf`, id: 'download-pdf', hidden: true, text: texts.downloadPdf })),
    h('p', {}, h('a', { href: '#/journal/documents', text: texts.back })));
}
