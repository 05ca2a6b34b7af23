// The application states and the deadlines, by the names the rules and the API use: the one
// list the preview (app.js: its state select) and the pages (views/state.js) share. Their
// words are `state.<name>` and `deadline.<key>` of i18n/.

/** An application's states (`ApplicationState.state`), in the guide's order; `none` is the preview's "not in the queue yet". */
export const STATES = ['none', 'queued', 'offered', 'referred', 'stop_listed', 'enrolled', 'removed'];

/** States the preview asks no event date for (the rules need none). */
export const STATES_WITHOUT_EVENT = ['none', 'queued'];

/** The deadlines of `ApplicationDeadlines`, in the order a person meets them. */
export const DEADLINES = ['offerExpiresAt', 'referralValidUntilAt', 'cancelUntilAt', 'extensionLimitAt', 'stopListUntilAt'];

/** The rules' explanation (counted and skipped days) of each deadline that has one. */
export function explanations(deadlines) {
  return {
    offerExpiresAt: deadlines.offerWindow,
    referralValidUntilAt: deadlines.referralValidity,
    stopListUntilAt: deadlines.stopList,
  };
}
