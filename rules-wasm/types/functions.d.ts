
/** Validates an IIN and tells its birth date, century and sex. */
export function checkIin(input: CheckIinInput): Iin;
/** R4: may the applicant choose a kindergarten now; every blocking reason and its end date. */
export function previewEligibility(input: PreviewInput): PreviewOutput;
/** One deadline with the working days counted and the days skipped. */
export function explainDeadline(input: DeadlineInput): DeadlineExplanation;
/** The deadlines of an application's state. */
export function applicationDeadlines(input: ApplicationDeadlinesInput): ApplicationDeadlines;
/** The state entered at an instant, with the deadlines the server would set. */
export function stateFromEvent(input: StateFromEventInput): ApplicationState;
/** The number of applications ahead of one application in its pool's queue. */
export function queuePosition(input: QueuePositionInput): QueuePosition;
/** The seed's policy (the defaults of every region). */
export function defaultPolicy(): Policy;
/** The years the built-in working-day calendar covers. */
export function calendarYears(): number[];
