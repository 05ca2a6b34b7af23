// Where the pages find the HTTP API and NCALayer: `config.json` beside the pages (deployed
// with them; `api` empty = the same origin, as kezek-local serves it). Never hard-coded.
const defaults = {
  api: '',
  ncalayer: 'wss://127.0.0.1:13579',
  mapUrl: 'https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}',
};

let loaded = null;

/** The configuration, read once per page. */
export async function config() {
  if (loaded) return loaded;
  let file = {};
  try {
    const response = await fetch(new URL('../config.json', import.meta.url));
    if (response.ok) file = await response.json();
  } catch {
    // No config.json: the defaults (same origin, NCALayer's own address).
  }
  loaded = { ...defaults, ...file, api: String(file.api ?? '').replace(/\/+$/, '') };
  return loaded;
}
