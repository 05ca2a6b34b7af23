// Seed step 14: the referral in the tab "General documents", to view and download.
import { download, get } from '../api.js';
import { needSession, regionOf } from '../context.js';
import { announce, facts, h, show } from '../dom.js';
import { formatInstant, lastDay } from '../format.js';
import { fill, kindergartenName, reasonText, t } from '../texts.js';

export async function documentView(id, number) {
  if (!needSession()) return;
  const texts = t();
  const document = await get(`/applications/${id}/documents/${number}`);
  const { application } = await get(`/applications/${id}`);
  const region = await regionOf(application.pool.regionId);
  const clock = region?.clock;
  const f = texts.documentFields;
  const json = new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
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
      h('button', { type: 'button', class: 'primary', id: 'download-pdf', onclick: () => savePdf(id, document.number), text: texts.downloadPdf })),
    h('p', {}, h('a', { href: '#/journal/documents', text: texts.back })));
}

/** Fetches the referral PDF with the session and saves it as `<number>.pdf`. */
async function savePdf(id, number) {
  try {
    const blob = await download(`/applications/${id}/documents/${number}/pdf`);
    const link = h('a', { href: URL.createObjectURL(blob), download: `${number}.pdf`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    announce(t().pdfSaved, 'status', 'pdf_saved');
  } catch (error) {
    announce(reasonText(error.code), 'alert', error.code);
  }
}
