// The JavaScript face of @kezek/rules: the JSON-shaped functions of kezek-rules.d.ts over the
// module's compact call (rules-wasm/src/js/): the input words are written into the module's
// memory at `wasmInput(n)`, `wasmCall(function, n)` answers where its words start.
// This file only moves data: it checks each input's shape, writes it as numbers (dates as day
// numbers, instants as seconds + nanoseconds, names as indexes the module hands over once),
// and builds the answer objects with the keys in the order the native JSON has them, so
// JSON.stringify of a result is byte-identical to the server's. Every decision is the
// module's. Refusals are thrown as Errors with a `code`.
//
// Concatenated by scripts/build-wasm.sh between a head that defines `wasmCall`, `wasmInput`
// and `wasmMemory` (the wasm-bindgen glue's exports; the memory from the instance) and a tail that exports the eight functions (ES module or
// CommonJS).

/* global wasmCall, wasmInput, wasmMemory */

/** @returns {Error & { code: string }} */
function ruleError(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

function invalid(detail) {
  return ruleError('invalid_input', `invalid input: ${detail}`);
}

// ---- serde-like messages for inputs of the wrong shape --------------------------------------

function unexpected(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'sequence';
  switch (typeof value) {
    case 'boolean': return `boolean \`${value}\``;
    case 'number': return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
    case 'string': return `string ${JSON.stringify(value)}`;
    case 'object': return 'map';
    default: return typeof value;
  }
}

function wrongType(value, expected) {
  return invalid(`invalid type: ${unexpected(value)}, expected ${expected}`);
}

function oneOf(names) {
  if (names.length === 0) return 'there are no fields';
  if (names.length === 1) return `expected \`${names[0]}\``;
  if (names.length === 2) return `expected \`${names[0]}\` or \`${names[1]}\``;
  return `expected one of ${names.map((name) => `\`${name}\``).join(', ')}`;
}

/** A plain object; with `fields`, any other key is refused (serde's deny_unknown_fields). */
function record(value, what, fields) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrongType(value, what);
  if (fields !== undefined) {
    for (const key in value) {
      if (!fields.includes(key)) throw invalid(`unknown field \`${key}\`, ${oneOf(fields)}`);
    }
  }
  return value;
}

function required(value, key) {
  const field = value[key];
  if (field === undefined) throw invalid(`missing field \`${key}\``);
  return field;
}

// ---- the input words ----------------------------------------------------------------------

let words = new Float64Array(1024);
let length = 0;

function push(value) {
  if (length === words.length) {
    const grown = new Float64Array(words.length * 2);
    grown.set(words);
    words = grown;
  }
  words[length] = value;
  length += 1;
}

const LIMITS = { u8: [0, 255], u16: [0, 65535], u32: [0, 4294967295], i32: [-2147483648, 2147483647] };

function putInt(value, type) {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(value, type);
  const [low, high] = LIMITS[type];
  if (value < low || value > high) throw invalid(`invalid value: integer \`${value}\`, expected ${type}`);
  push(value);
}

function putString(value) {
  if (typeof value !== 'string') throw wrongType(value, 'a string');
  push(value.length);
  for (let i = 0; i < value.length; i += 1) push(value.charCodeAt(i));
}

function putFlag(value) {
  if (typeof value !== 'boolean') throw wrongType(value, 'a boolean');
  push(value ? 1 : 0);
}

/** `undefined` and `null` are absent (serde's Option), anything else is written by `put`. */
function putOption(value, put) {
  if (value === undefined || value === null) {
    push(0);
  } else {
    push(1);
    put(value);
  }
}

function putList(value, put) {
  if (!Array.isArray(value)) throw wrongType(value, 'a sequence');
  push(value.length);
  for (const item of value) put(item);
}

function putName(value, table) {
  if (typeof value !== 'string') throw wrongType(value, 'a string');
  const index = table.index.get(value);
  if (index === undefined) throw invalid(`unknown variant \`${value}\`, ${oneOf(table.names)}`);
  push(index);
}

// ---- dates and instants: day numbers since 1970-01-01 (proleptic Gregorian) ------------------

function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function daysInMonth(year, month) {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// chrono reads months and days of one or two digits.
const DATE = /^([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})$/;
const INSTANT = /^([+-]?\d{4,6})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):?(\d{2}))$/;

function dayNumber(year, month, day) {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw invalid('input is out of range');
  return daysFromCivil(year, month, day);
}

/** The number written by `count` ASCII digits at `start`, or -1. */
function digitsAt(text, start, count) {
  let number = 0;
  for (let i = start; i < start + count; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** "YYYY-MM-DD" read without a regular expression (the common case), else -1. */
function plainDay(text) {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return -1;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  return year < 0 || month < 0 || day < 0 ? -1 : dayNumber(year, month, day);
}

function putDate(value) {
  if (typeof value !== 'string') throw wrongType(value, 'a formatted date string');
  const plain = plainDay(value);
  if (plain !== -1) {
    push(plain);
    return;
  }
  const parts = DATE.exec(value);
  if (parts === null) throw invalid('input contains invalid characters');
  push(dayNumber(Number(parts[1]), Number(parts[2]), Number(parts[3])));
}

/** "YYYY-MM-DDTHH:MM:SSZ" (what the server and the pages write) without a regular expression. */
function putPlainInstant(text) {
  if (text.length !== 20 || text.charCodeAt(10) !== 84 || text.charCodeAt(19) !== 90) return false;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const day = plainDay(text.slice(0, 10));
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (day === -1 || hour < 0 || minute < 0 || second < 0) return false;
  if (hour > 23 || minute > 59 || second > 59) throw invalid('input is out of range');
  push(day * 86400 + hour * 3600 + minute * 60 + second);
  push(0);
  return true;
}

function putInstant(value) {
  if (typeof value !== 'string') throw wrongType(value, 'a formatted date and time string or a unix timestamp');
  if (putPlainInstant(value)) return;
  const parts = INSTANT.exec(value);
  if (parts === null) throw invalid('input contains invalid characters');
  const [hour, minute, second] = [Number(parts[4]), Number(parts[5]), Number(parts[6])];
  const offsetHours = parts[8] === undefined ? 0 : Number(parts[9]);
  const offsetMinutes = parts[8] === undefined ? 0 : Number(parts[10]);
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) throw invalid('input is out of range');
  const offset = (parts[8] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  const day = dayNumber(Number(parts[1]), Number(parts[2]), Number(parts[3]));
  push(day * 86400 + hour * 3600 + minute * 60 + second - offset);
  push(parts[7] === undefined ? 0 : Number(parts[7].slice(0, 9).padEnd(9, '0')));
}

// ---- the answer words, read in place from the module's memory -------------------------------

let memory = null;
let view = new Float64Array(0);
let answer = view;
let at = 0;

/** The module's memory as words; a new view whenever the memory has grown. */
function words64() {
  if (memory === null) memory = wasmMemory();
  // Growing the memory detaches the old buffer, which leaves the old view empty.
  if (view.length === 0) view = new Float64Array(memory.buffer);
  return view;
}

function next() {
  const word = answer[at];
  at += 1;
  return word;
}

function getString() {
  const units = next();
  let text = '';
  for (let start = at; start < at + units; start += 8192) {
    text += String.fromCharCode.apply(null, answer.subarray(start, Math.min(at + units, start + 8192)));
  }
  at += units;
  return text;
}

function getOption(get) {
  return next() === 1 ? get() : null;
}

function getList(get) {
  const items = new Array(next());
  for (let i = 0; i < items.length; i += 1) items[i] = get();
  return items;
}

function pad2(n) {
  return n < 10 ? `0${n}` : `${n}`;
}

function pad(n, width) {
  return String(n).padStart(width, '0');
}

// Formatted days, kept while there are few (a page shows the same dates again and again).
const DAY_TEXTS_MAX = 4096;
const dayTexts = new Map();

function formatDay(days) {
  let text = dayTexts.get(days);
  if (text === undefined) {
    if (dayTexts.size >= DAY_TEXTS_MAX) dayTexts.clear();
    text = dayText(days);
    dayTexts.set(days, text);
  }
  return text;
}

/** chrono's ISO 8601 form: four-digit years, else a sign and at least four digits. */
function dayText(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const yearText = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 4)}`;
  return `${yearText}-${pad2(month)}-${pad2(day)}`;
}

function getDate() {
  return formatDay(next());
}

/** chrono's RFC 3339 form of a UTC instant: fractions of 3, 6 or 9 digits only when needed. */
function getInstant() {
  const seconds = next();
  const nanoseconds = next();
  const days = Math.floor(seconds / 86400);
  const inDay = seconds - days * 86400;
  const time = `${pad2(Math.floor(inDay / 3600))}:${pad2(Math.floor(inDay / 60) % 60)}:${pad2(inDay % 60)}`;
  let fraction = '';
  if (nanoseconds !== 0) {
    if (nanoseconds % 1000000 === 0) fraction = `.${pad(nanoseconds / 1000000, 3)}`;
    else if (nanoseconds % 1000 === 0) fraction = `.${pad(nanoseconds / 1000, 6)}`;
    else fraction = `.${pad(nanoseconds, 9)}`;
  }
  return `${formatDay(days)}T${time}${fraction}Z`;
}

// ---- the name tables, read from the module once ----------------------------------------------

let names = null;

function table(list) {
  return { names: list, index: new Map(list.map((name, index) => [name, index])) };
}

function loadNames() {
  length = 0;
  answerOf(0);
  const [functions, spans, states, priorities, waiting, sources, reasons, blocking, dayKinds, sexes] = getList(() => getList(getString));
  return {
    functions: table(functions), spans: table(spans), states: table(states), priorities: table(priorities),
    waiting: table(waiting), sources: table(sources), reasons: table(reasons), blocking: table(blocking),
    dayKinds: table(dayKinds), sexes: table(sexes),
  };
}

/** Starts an input: the names are loaded on the first call after the module is initialised. */
function begin() {
  if (names === null) names = loadNames();
  length = 0;
}

/** Copies the input words into the module, runs function `index`, points `at` past the status. */
function answerOf(index) {
  const pointer = wasmInput(length);
  if (pointer === 0) throw invalid('the input is too large');
  let memoryWords = words64();
  const base = pointer / 8;
  for (let i = 0; i < length; i += 1) memoryWords[base + i] = words[i];
  const pointer64 = wasmCall(index, length);
  if (pointer64 === 0) throw invalid('the module is busy with another call');
  const start = pointer64 / 8;
  memoryWords = words64();
  answer = memoryWords;
  at = start + 1;
  return memoryWords[start];
}

/** Runs `name` on the words written since `begin`; throws the module's refusal. */
function run(name) {
  if (answerOf(names.functions.index.get(name) + 1) !== 0) {
    const code = getString();
    throw ruleError(code, getString());
  }
}

// ---- the rules' shapes (field order as in rules-wasm/src/js/shapes.rs) -----------------------

function putSpan(value) {
  record(value, 'adjacently tagged enum Span');
  putName(required(value, 'unit'), names.spans);
  putInt(required(value, 'count'), 'u16');
}

function getSpan() {
  return { unit: names.spans.names[next()], count: next() };
}

function putMonthDay(value) {
  record(value, 'struct MonthDay');
  putInt(required(value, 'month'), 'u8');
  putInt(required(value, 'day'), 'u8');
}

function putPolicy(value) {
  record(value, 'struct Policy');
  putInt(required(value, 'minAgeYears'), 'u8');
  putSpan(required(value, 'offerWindow'));
  putSpan(required(value, 'referralValidity'));
  putSpan(required(value, 'stopList'));
  putInt(required(value, 'maxLapses'), 'u8');
  putInt(required(value, 'extensionMaxDays'), 'u16');
  putInt(required(value, 'extensionsAllowed'), 'u8');
  putInt(required(value, 'cancelWindowHours'), 'u16');
  putRatio(required(value, 'priorityRatio'));
  putList(required(value, 'blackouts'), (blackout) => {
    record(blackout, 'struct Blackout');
    putMonthDay(required(blackout, 'firstDay'));
    putMonthDay(required(blackout, 'lastDay'));
  });
  putOption(value.ageOutYears, (years) => putInt(years, 'u8'));
  // Optional in JSON (serde default): the school starting age.
  putInt(value.enqueueAgeLimitYears ?? 6, 'u8');
}

function putRatio(value) {
  record(value, 'struct PriorityRatio');
  putInt(required(value, 'firstPriority'), 'u8');
  putInt(required(value, 'general'), 'u8');
}

function getPolicy() {
  const monthDay = () => ({ month: next(), day: next() });
  return {
    minAgeYears: next(), offerWindow: getSpan(), referralValidity: getSpan(), stopList: getSpan(),
    maxLapses: next(), extensionMaxDays: next(), extensionsAllowed: next(), cancelWindowHours: next(),
    priorityRatio: { firstPriority: next(), general: next() },
    blackouts: getList(() => ({ firstDay: monthDay(), lastDay: monthDay() })),
    ageOutYears: getOption(next),
    enqueueAgeLimitYears: next(),
  };
}

function putClock(value) {
  record(value, 'struct RegionClock');
  putInt(required(value, 'initialOffsetSeconds'), 'i32');
  putList(value.changes === undefined ? [] : value.changes, (change) => {
    record(change, 'struct UtcOffsetChange');
    putInstant(required(change, 'fromAt'));
    putInt(required(change, 'offsetSeconds'), 'i32');
  });
}

function putReferral(value) {
  record(value, 'struct Referral');
  putString(required(value, 'groupId'));
  putName(required(value, 'source'), names.sources);
  putInstant(required(value, 'issuedAt'));
  putInstant(required(value, 'validUntilAt'));
  putInstant(required(value, 'cancelUntilAt'));
  putInt(required(value, 'extensionsUsed'), 'u8');
  putInt(required(value, 'extendedDays'), 'u16');
}

function getReferral() {
  return {
    groupId: getString(), source: names.sources.names[next()], issuedAt: getInstant(), validUntilAt: getInstant(),
    cancelUntilAt: getInstant(), extensionsUsed: next(), extendedDays: next(),
  };
}

// The fields of an application state, with the state that owns each (as StateFields in
// application/state.rs checks them: a field of another state is refused, a missing one too).
const STATE_FIELDS = ['state', 'offeredAt', 'expiresAt', 'referral', 'sinceAt', 'untilAt', 'enrolledAt', 'reason', 'removedAt'];
const STATE_OWNED = [['offeredAt', 'offered'], ['expiresAt', 'offered'], ['sinceAt', 'stop_listed'], ['untilAt', 'stop_listed'],
  ['enrolledAt', 'enrolled'], ['reason', 'removed'], ['removedAt', 'removed']];
const STATE_NEEDS = {
  queued: [], offered: ['offeredAt', 'expiresAt'], referred: ['referral'], stop_listed: ['sinceAt', 'untilAt'],
  enrolled: ['referral', 'enrolledAt'], removed: ['reason', 'removedAt'],
};

function putState(value) {
  record(value, 'struct StateFields', STATE_FIELDS);
  const state = required(value, 'state');
  putName(state, names.states);
  const present = (field) => value[field] !== undefined && value[field] !== null;
  const foreign = STATE_OWNED.find(([field, owner]) => present(field) && owner !== state);
  if (foreign !== undefined) throw invalid(`state \`${state}\` has no field \`${foreign[0]}\``);
  if (present('referral') && state !== 'referred' && state !== 'enrolled') throw invalid(`state \`${state}\` has no field \`referral\``);
  for (const field of STATE_NEEDS[state]) {
    if (!present(field)) throw invalid(`state \`${state}\` needs \`${field}\``);
    if (field === 'referral') putReferral(value.referral);
    else if (field === 'reason') putName(value.reason, names.reasons);
    else putInstant(value[field]);
  }
}

function getState() {
  const state = names.states.names[next()];
  switch (state) {
    case 'offered': return { state, offeredAt: getInstant(), expiresAt: getInstant() };
    case 'referred': return { state, referral: getReferral() };
    case 'stop_listed': return { state, sinceAt: getInstant(), untilAt: getInstant() };
    case 'enrolled': return { state, referral: getReferral(), enrolledAt: getInstant() };
    case 'removed': return { state, reason: names.reasons.names[next()], removedAt: getInstant() };
    default: return { state };
  }
}

function putCalendarYears(value) {
  putOption(value, (years) => putList(years, (year) => {
    record(year, 'struct CalendarYear');
    putInt(required(year, 'year'), 'i32');
    putList(required(year, 'holidays'), (holiday) => {
      record(holiday, 'struct HolidayDate');
      putDate(required(holiday, 'date'));
      putString(required(holiday, 'code'));
      putFlag(required(holiday, 'movesWhenOnWeekend'));
    });
    putList(year.swaps === undefined ? [] : year.swaps, (swap) => {
      record(swap, 'struct DaySwap');
      putDate(required(swap, 'workedOn'));
      putDate(required(swap, 'dayOff'));
    });
    putString(year.source === undefined ? '' : year.source);
  }));
}

function getDay() {
  const kind = names.dayKinds.names[next()];
  switch (kind) {
    case 'working_by_decree': return { kind, insteadOf: getDate() };
    case 'holiday': return { kind, holiday: getString() };
    case 'moved_day_off': return { kind, holiday: getString(), holidayDate: getDate() };
    case 'swapped_day_off': return { kind, workedOn: getDate() };
    default: return { kind };
  }
}

function getExplanation() {
  return {
    span: getSpan(), eventAt: getInstant(), eventLocalDate: getDate(), deadlineAt: getInstant(), deadlineLocalDate: getDate(),
    countedDays: getList(getDate), skippedDays: getList(() => ({ date: getDate(), day: getDay() })),
  };
}

// ---- the exported functions ---------------------------------------------------------------

function checkIin(input) {
  begin();
  record(input, 'struct CheckIinInput', ['iin']);
  putString(required(input, 'iin'));
  run('checkIin');
  return { iin: getString(), birthDate: getDate(), century: next(), sex: names.sexes.names[next()] };
}

const PREVIEW_FIELDS = ['childIin', 'birthDate', 'state', 'freeChoicePlaces', 'groupsWithFreePlaces', 'policy', 'clock', 'now'];

function previewEligibility(input) {
  begin();
  record(input, 'struct PreviewInput', PREVIEW_FIELDS);
  putOption(input.childIin, putString);
  putOption(input.birthDate, putDate);
  if (input.state === undefined) push(names.states.index.get('queued'));
  else putState(input.state);
  putInt(input.freeChoicePlaces === undefined ? 0 : input.freeChoicePlaces, 'u32');
  putInt(input.groupsWithFreePlaces === undefined ? 0 : input.groupsWithFreePlaces, 'u32');
  putOption(input.policy, putPolicy);
  putOption(input.clock, putClock);
  putInstant(required(input, 'now'));
  run('previewEligibility');
  const birthDate = getDate();
  const groupYear = next();
  const today = getDate();
  const ageYears = next();
  const turnsMinAgeOn = getOption(getDate);
  const allowed = next() === 1;
  const reasons = getList(() => {
    const code = names.blocking.names[next()];
    const allowedFrom = getOption(getDate);
    return allowedFrom === null ? { code } : { code, allowedFrom };
  });
  return { birthDate, groupYear, today, ageYears, turnsMinAgeOn, eligibility: { allowed, reasons } };
}

function explainDeadline(input) {
  begin();
  record(input, 'struct DeadlineInput', ['span', 'eventAt', 'clock', 'calendarYears']);
  putSpan(required(input, 'span'));
  putInstant(required(input, 'eventAt'));
  putOption(input.clock, putClock);
  putCalendarYears(input.calendarYears);
  run('explainDeadline');
  return getExplanation();
}

function applicationDeadlines(input) {
  begin();
  record(input, 'struct ApplicationDeadlinesInput', ['state', 'policy', 'clock', 'calendarYears']);
  putState(required(input, 'state'));
  putOption(input.policy, putPolicy);
  putOption(input.clock, putClock);
  putCalendarYears(input.calendarYears);
  run('applicationDeadlines');
  return {
    offerExpiresAt: getOption(getInstant), offerWindow: getOption(getExplanation),
    referralValidUntilAt: getOption(getInstant), referralValidity: getOption(getExplanation),
    cancelUntilAt: getOption(getInstant), extensionLimitAt: getOption(getInstant),
    stopListUntilAt: getOption(getInstant), stopList: getOption(getExplanation),
  };
}

function stateFromEvent(input) {
  begin();
  record(input, 'struct StateFromEventInput', ['state', 'eventAt', 'groupId', 'policy', 'clock', 'calendarYears']);
  putName(required(input, 'state'), names.states);
  putInstant(required(input, 'eventAt'));
  putOption(input.groupId, putString);
  putOption(input.policy, putPolicy);
  putOption(input.clock, putClock);
  putCalendarYears(input.calendarYears);
  run('stateFromEvent');
  return getState();
}

function queuePosition(input) {
  begin();
  record(input, 'struct QueuePositionInput', ['entries', 'applicationId', 'priorityRatio']);
  putList(required(input, 'entries'), (entry) => {
    record(entry, 'struct QueueEntry');
    putString(required(entry, 'id'));
    putName(required(entry, 'priority'), names.priorities);
    putInstant(required(entry, 'registeredAt'));
    putDate(required(entry, 'birthDate'));
    putName(required(entry, 'waiting'), names.waiting);
  });
  putString(required(input, 'applicationId'));
  putOption(input.priorityRatio, putRatio);
  run('queuePosition');
  return { ahead: next(), waiting: next() };
}

function defaultPolicy() {
  begin();
  run('defaultPolicy');
  return getPolicy();
}

function calendarYears() {
  begin();
  run('calendarYears');
  return getList(next);
}
