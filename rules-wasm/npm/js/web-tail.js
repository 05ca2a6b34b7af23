
export { checkIin, previewEligibility, explainDeadline, applicationDeadlines, stateFromEvent, queuePosition, defaultPolicy, calendarYears };

/** Instantiates the module; resolves once every function can be called. */
export default async function init(moduleOrPath) {
  const exports = await initGlue(moduleOrPath);
  wasmExports = exports;
  names = null;
  memory = null;
  return exports;
}

/** Instantiates the module from bytes or a compiled WebAssembly.Module, synchronously. */
export function initSync(module) {
  const exports = initSyncGlue(module);
  wasmExports = exports;
  names = null;
  memory = null;
  return exports;
}
