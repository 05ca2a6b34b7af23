/** An RFC 3339 instant in UTC, e.g. "2026-03-02T05:00:00Z". */
export type Instant = string;
/** A local calendar date, "YYYY-MM-DD". */
export type LocalDate = string;

/** Every refusal is thrown as an Error carrying its stable code. */
export interface RuleError extends Error { code: string; }

export interface CheckIinInput { iin: string; }
export interface Iin { iin: string; birthDate: LocalDate; century: 1800 | 1900 | 2000; sex: "male" | "female"; }

export type Span =
  | { unit: "working_days"; count: number }
  | { unit: "calendar_days"; count: number }
  | { unit: "hours"; count: number };
export interface MonthDay { month: number; day: number; }
export interface Blackout { firstDay: MonthDay; lastDay: MonthDay; }
export interface PriorityRatio { firstPriority: number; general: number; }
export interface Policy {
  minAgeYears: number;
  offerWindow: Span;
  referralValidity: Span;
  stopList: Span;
  maxLapses: number;
  extensionMaxDays: number;
  extensionsAllowed: number;
  cancelWindowHours: number;
  priorityRatio: PriorityRatio;
  blackouts: Blackout[];
  ageOutYears: number | null;
  /** Full years from which enqueue refuses a child (school age); read as 6 when absent. */
  enqueueAgeLimitYears?: number;
}
export interface UtcOffsetChange { fromAt: Instant; offsetSeconds: number; }
export interface RegionClock { initialOffsetSeconds: number; changes?: UtcOffsetChange[]; }

export interface Referral {
  groupId: string;
  source: "offer" | "free_choice";
  issuedAt: Instant;
  validUntilAt: Instant;
  cancelUntilAt: Instant;
  extensionsUsed: number;
  extendedDays: number;
}
export type StateName = "queued" | "offered" | "referred" | "stop_listed" | "enrolled" | "removed";
export type ApplicationState =
  | { state: "queued" }
  | { state: "offered"; offeredAt: Instant; expiresAt: Instant }
  | { state: "referred"; referral: Referral }
  | { state: "stop_listed"; sinceAt: Instant; untilAt: Instant }
  | { state: "enrolled"; referral: Referral; enrolledAt: Instant }
  | { state: "removed"; reason: "lapses" | "withdrawn" | "aged_out"; removedAt: Instant };

export interface HolidayDate { date: LocalDate; code: string; movesWhenOnWeekend: boolean; }
export interface DaySwap { workedOn: LocalDate; dayOff: LocalDate; }
export interface CalendarYear { year: number; holidays: HolidayDate[]; swaps?: DaySwap[]; source?: string; }

export interface PreviewInput {
  childIin?: string | null;
  birthDate?: LocalDate | null;
  state?: ApplicationState;
  freeChoicePlaces?: number;
  groupsWithFreePlaces?: number;
  policy?: Policy | null;
  clock?: RegionClock | null;
  now: Instant;
}
export type BlockingReason =
  | { code: "application_final" }
  | { code: "already_referred" }
  | { code: "stop_listed"; allowedFrom: LocalDate }
  | { code: "child_too_young"; allowedFrom: LocalDate }
  | { code: "blackout_period"; allowedFrom: LocalDate }
  | { code: "offer_expired" }
  | { code: "turn_not_come" }
  | { code: "no_free_places" };
export interface Eligibility { allowed: boolean; reasons: BlockingReason[]; }
export interface PreviewOutput {
  birthDate: LocalDate;
  groupYear: number;
  today: LocalDate;
  ageYears: number;
  turnsMinAgeOn: LocalDate | null;
  eligibility: Eligibility;
}

export type DayKind =
  | { kind: "working" }
  | { kind: "working_by_decree"; insteadOf: LocalDate }
  | { kind: "weekend" }
  | { kind: "holiday"; holiday: string }
  | { kind: "moved_day_off"; holiday: string; holidayDate: LocalDate }
  | { kind: "swapped_day_off"; workedOn: LocalDate };
export interface SkippedDay { date: LocalDate; day: DayKind; }
export interface DeadlineInput { span: Span; eventAt: Instant; clock?: RegionClock | null; calendarYears?: CalendarYear[] | null; }
export interface DeadlineExplanation {
  span: Span;
  eventAt: Instant;
  eventLocalDate: LocalDate;
  deadlineAt: Instant;
  deadlineLocalDate: LocalDate;
  countedDays: LocalDate[];
  skippedDays: SkippedDay[];
}

export interface ApplicationDeadlinesInput {
  state: ApplicationState;
  policy?: Policy | null;
  clock?: RegionClock | null;
  calendarYears?: CalendarYear[] | null;
}
export interface ApplicationDeadlines {
  offerExpiresAt: Instant | null;
  offerWindow: DeadlineExplanation | null;
  referralValidUntilAt: Instant | null;
  referralValidity: DeadlineExplanation | null;
  cancelUntilAt: Instant | null;
  extensionLimitAt: Instant | null;
  stopListUntilAt: Instant | null;
  stopList: DeadlineExplanation | null;
}

export interface StateFromEventInput {
  state: StateName;
  eventAt: Instant;
  groupId?: string | null;
  policy?: Policy | null;
  clock?: RegionClock | null;
  calendarYears?: CalendarYear[] | null;
}

export interface QueueEntry {
  id: string;
  priority: "out_of_turn" | "first_priority" | "general";
  registeredAt: Instant;
  birthDate: LocalDate;
  waiting: "queued" | "offered" | "stop_listed";
}
export interface QueuePositionInput { entries: QueueEntry[]; applicationId: string; priorityRatio?: PriorityRatio | null; }
export interface QueuePosition { ahead: number; waiting: number; }
