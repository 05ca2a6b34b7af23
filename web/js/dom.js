// Small DOM helpers: build elements, announce to screen readers, move focus to a view.

/** `h('p', {class: 'x', dataset: {code}}, 'text', child)`. */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'onclick' || name === 'onsubmit' || name === 'oninput' || name === 'onchange') node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Says `message` in the page's live region (`status` polite, `alert` assertive). */
export function announce(message, kind = 'status', code = '') {
  const status = document.getElementById('status');
  const alert = document.getElementById('alert');
  const target = kind === 'alert' ? alert : status;
  (kind === 'alert' ? status : alert).textContent = '';
  target.textContent = message;
  target.dataset.code = code;
}

let flashed = null;

/** A message to say after the next navigation (e.g. "The child is in the queue."). */
export function flash(message, kind = 'status', code = '') {
  flashed = [message, kind, code];
}

export function clearAnnouncements() {
  if (flashed) {
    const [message, kind, code] = flashed;
    flashed = null;
    announce(message, kind, code);
    return;
  }
  for (const id of ['status', 'alert']) {
    const node = document.getElementById(id);
    node.textContent = '';
    node.dataset.code = '';
  }
}

/** Replaces the main view and moves focus to its heading (for keyboard and screen readers). */
export function show(view, ...children) {
  const main = document.getElementById('main');
  main.dataset.view = view;
  main.replaceChildren(...children.flat(2).filter((child) => child !== null && child !== undefined && child !== false));
  const heading = main.querySelector('h2');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

/** A labelled form field: `<div class=field><label/><input/><p hint/></div>`. */
export function field(id, label, input, hint) {
  input.id = id;
  const children = [h('label', { for: id, text: label }), input];
  if (hint) {
    const hintNode = h('p', { id: `${id}-hint`, class: 'hint', text: hint });
    input.setAttribute('aria-describedby', `${id}-hint`);
    children.push(hintNode);
  }
  return h('div', { class: 'field' }, children);
}

/** A definition list from `[term, value, key]` rows. */
export function facts(rows) {
  return h('dl', {}, rows.filter(Boolean).flatMap(([term, value, key]) => [
    h('dt', { text: term }),
    h('dd', { dataset: { field: key ?? '' } }, value),
  ]));
}

/** A modal dialog with a message and OK (and Cancel if `cancel`); resolves to true on OK. */
export function dialog(id, heading, message, { ok, cancel } = {}) {
  return new Promise((resolve) => {
    const okButton = h('button', { type: 'button', class: 'primary', id: `${id}-ok`, text: ok });
    const buttons = [okButton];
    const node = h('dialog', { id, 'aria-labelledby': `${id}-heading`, 'aria-describedby': `${id}-text` },
      h('h3', { id: `${id}-heading`, text: heading }),
      h('p', { id: `${id}-text`, text: message }));
    if (cancel) buttons.push(h('button', { type: 'button', class: 'secondary', id: `${id}-cancel`, text: cancel }));
    node.append(h('div', { class: 'actions' }, buttons));
    const opener = document.activeElement;
    const close = (answer) => {
      node.close();
      node.remove();
      opener?.focus?.();
      resolve(answer);
    };
    okButton.addEventListener('click', () => close(true));
    buttons[1]?.addEventListener('click', () => close(false));
    node.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(node);
    node.showModal();
    okButton.focus();
  });
}
