// All texts of the preview, one module per language.
import en from './en.js';
import kk from './kk.js';
import ru from './ru.js';

export const languages = { kk, ru, en };

/** Fills `{name}` placeholders of a text. */
export function fill(text, values = {}) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
