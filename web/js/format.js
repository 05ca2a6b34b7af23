// Dates, instants and durations in the page's language (month names live in i18n/, since
// Chromium's ICU lacks Kazakh ones), in the region's local time.
import { fill } from '../i18n/index.js';

/** The UTC offset (seconds) a region's clock has at `instantMs`. */
export function offsetAt(clock, instantMs) {
  let offset = clock?.initialOffsetSeconds ?? 18000;
  for (const change of clock?.changes ?? []) {
    if (Date.parse(change.fromAt) <= instantMs) offset = change.offsetSeconds;
  }
  return offset;
}

/** A local date "YYYY-MM-DD" in words. */
export function formatDate(t, isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  return fill(t.dateFormat, { year, month: t.months[month - 1], day });
}

/** The region's local date of an instant, "YYYY-MM-DD". */
export function localDate(instant, clock) {
  const ms = Date.parse(instant);
  return new Date(ms + offsetAt(clock, ms) * 1000).toISOString().slice(0, 10);
}

/** An instant as the region's local date and time, e.g. "6 March 2026, 00:00". */
export function formatInstant(t, instant, clock) {
  const ms = Date.parse(instant);
  const local = new Date(ms + offsetAt(clock, ms) * 1000).toISOString();
  return `${formatDate(t, local.slice(0, 10))}, ${local.slice(11, 16)}`;
}

/** The last local day before an exclusive deadline instant (a deadline at 00:00 ends the day before). */
export function lastDay(t, instant, clock) {
  return formatDate(t, localDate(new Date(Date.parse(instant) - 1000).toISOString(), clock));
}

/** "5 h 12 min" between now and an instant (0 when past). */
export function timeLeft(t, untilInstant, nowInstant) {
  const minutes = Math.max(0, Math.floor((Date.parse(untilInstant) - Date.parse(nowInstant)) / 60_000));
  return fill(t.timeLeft, { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

/** A skipped day with its holiday's name, e.g. "23 March 2026 (day off for Nauryz)". */
export function describeSkipped(t, skipped) {
  const day = skipped.day;
  const holiday = day.holiday ? t.holiday[day.holiday] ?? day.holiday : '';
  return `${formatDate(t, skipped.date)} (${fill(t.day[day.kind] ?? day.kind, { holiday })})`;
}
