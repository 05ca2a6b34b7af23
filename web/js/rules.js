// The one door to the rules crate's WebAssembly module (pkg/, built by scripts/build-wasm.sh):
// every decision the pages show comes through here, with the exported names and result shapes
// of rules-wasm/types/kezek-rules.d.ts. No rule is decided in the pages' own code.
import init, * as wasm from '../pkg/kezek_rules.js';

let ready = null;

/** Loads the module once. */
export function loadRules() {
  ready ??= init();
  return ready;
}

export const checkIin = (input) => wasm.checkIin(input);
export const previewEligibility = (input) => wasm.previewEligibility(input);
export const applicationDeadlines = (input) => wasm.applicationDeadlines(input);
export const explainDeadline = (input) => wasm.explainDeadline(input);
export const defaultPolicy = () => wasm.defaultPolicy();

/**
 * R4 over an application's real state and its pool's real free places (GET
 * /regions/{region}/pools/{year}/places): the same inputs the server gives the rules.
 */
export function eligibilityOf(application, freePlaces, clock, now) {
  return previewEligibility({
    birthDate: application.childBirthDate,
    state: application.state,
    freeChoicePlaces: freePlaces.counters.freeChoice,
    groupsWithFreePlaces: freePlaces.groups.filter((group) => group.free > 0).length,
    clock,
    now,
  }).eligibility;
}
