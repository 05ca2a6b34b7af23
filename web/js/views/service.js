// Seed steps 1–2: the service page and the region list; Astana, Almaty and Aktobe are served
// by their own systems (R1) and cannot be chosen.
import { chooseRegion, chosenRegion, go, loadRegions } from '../context.js';
import { h, show } from '../dom.js';
import { session } from '../session.js';
import { fill, regionName, t } from '../texts.js';

export async function serviceView() {
  const texts = t();
  const regions = await loadRegions();
  const chosen = chosenRegion();
  const list = h('ul', { class: 'regions', 'aria-labelledby': 'regions-heading' }, regions.map((region) => h('li', {},
    h('button', {
      type: 'button',
      dataset: { region: region.id, served: String(region.served) },
      'aria-disabled': region.served ? null : 'true',
      'aria-describedby': region.served ? null : `served-${region.id}`,
      'aria-pressed': String(region.id === chosen),
      onclick: () => {
        if (!region.served) return;
        chooseRegion(region.id);
        go(session() ? '#/journal' : '#/login');
      },
    }, regionName(region), region.served ? null : h('span', { class: 'detail', id: `served-${region.id}`, text: texts.regionServedElsewhere })))));
  const current = regions.find((region) => region.id === chosen);
  show('service',
    h('h2', { text: texts.serviceTitle }),
    h('p', { text: texts.serviceIntro }),
    h('h3', { id: 'regions-heading', text: texts.regionsHeading }),
    current ? h('p', { class: 'hint', text: fill(texts.regionChosen, { region: regionName(current) }) }) : null,
    list);
}
