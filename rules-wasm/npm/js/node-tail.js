
module.exports = { checkIin, previewEligibility, explainDeadline, applicationDeadlines, stateFromEvent, queuePosition, defaultPolicy, calendarYears };
