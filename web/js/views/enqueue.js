// Seed step 6 (put a child in the queue): region, child's IIN (its birth date read by the
// rules as it is typed), category with the evidence it needs, the second parent's IIN.
import { post } from '../api.js';
import { chosenRegion, go, loadRegions, showRefusal } from '../context.js';
import { field, flash, h } from '../dom.js';
import { formatDate } from '../format.js';
import { checkIin } from '../rules.js';
import { reasonText, regionName, t } from '../texts.js';

function iinStatus(input, status) {
  const texts = t();
  status.textContent = '';
  input.removeAttribute('aria-invalid');
  if (!input.value) return;
  try {
    const child = checkIin({ iin: input.value });
    status.textContent = `${texts.birthDate}: ${formatDate(texts, child.birthDate)}, ${child.sex === 'male' ? texts.sexMale : texts.sexFemale}`;
    status.classList.remove('error');
  } catch (error) {
    status.textContent = reasonText(error.code);
    status.classList.add('error');
    input.setAttribute('aria-invalid', 'true');
  }
}

export async function enqueueForm() {
  const texts = t();
  const regions = (await loadRegions()).filter((region) => region.served);
  const region = h('select', { name: 'regionId' }, regions.map((item) => h('option', { value: item.id, text: regionName(item) })));
  region.value = chosenRegion() && regions.some((item) => item.id === chosenRegion()) ? chosenRegion() : regions[0]?.id;
  const iin = h('input', { name: 'childIin', inputmode: 'numeric', autocomplete: 'off', maxlength: 12, required: true });
  const iinLive = h('p', { id: 'child-iin-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  iin.addEventListener('input', () => iinStatus(iin, iinLive));
  const priority = h('select', { name: 'priority' }, Object.entries(texts.priority).map(([value, label]) => h('option', { value, text: label })));
  const evidence = h('p', { id: 'priority-hint', class: 'hint', 'aria-live': 'polite', text: texts.priorityEvidence.general });
  priority.setAttribute('aria-describedby', 'priority-hint');
  priority.addEventListener('change', () => { evidence.textContent = texts.priorityEvidence[priority.value]; });
  const second = h('input', { name: 'secondParentIin', inputmode: 'numeric', autocomplete: 'off', maxlength: 12 });
  const iinField = field('child-iin', texts.childIinLabel, iin);
  iinField.append(iinLive);
  const priorityField = field('priority', texts.priorityLabel, priority);
  priorityField.append(evidence);
  const form = h('form', { id: 'enqueue', novalidate: true },
    field('enqueue-region', texts.regionLabel, region),
    iinField,
    priorityField,
    field('second-parent', texts.secondParentLabel, second),
    h('button', { type: 'submit', class: 'primary', text: texts.enqueueButton }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const body = { regionId: region.value, childIin: iin.value.trim(), priority: priority.value };
      if (second.value.trim()) body.secondParentIin = second.value.trim();
      const answer = await post('/applications', body);
      flash(texts.enqueued);
      go(`#/application/${answer.application.id}`);
    } catch (error) {
      if (error.code?.startsWith('iin_') || error.code === 'duplicate_application') iin.setAttribute('aria-invalid', 'true');
      showRefusal(error);
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'enqueue-heading' }, h('h3', { id: 'enqueue-heading', text: texts.enqueueHeading }), form);
}
