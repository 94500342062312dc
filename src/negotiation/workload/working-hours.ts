/**
 * Part-time use written as clock times and days: "9 to 5 on weekdays",
 * "8am-6pm Mon-Fri", "weekdays 09:00–17:30", "every night between 22:00 and
 * 02:00", "business hours", "weekends only". Reads the normalised text
 * (numbers.ts: lower case, number words in digits, dashes made ASCII).
 * Run lengths ("runs 3 hours nightly") are read with the other durations
 * (quantities.ts).
 */

export interface WorkingHours {
  hoursPerDay: number;
  daysPerWeek: number;
  /** The clock hour it starts (fractional for 07:30), when the text gives one. */
  startHour?: number;
  text: string;
}

const ALWAYS_ON = /\b24\s*\/\s*7\b|\b24x7\b|\baround the clock\b|\bround-the-clock\b|\balways[- ]on\b|\b24 hours a day\b|\bnon-?stop\b/;

const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?';
const DAY_RANGE = new RegExp(`\\b(${DAY})\\s*(?:-|–|—|to|through|thru|until)\\s*(${DAY})`);
const DAY_INDEX = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Days a week the text names, or undefined when it names none. */
function daysOf(text: string): number | undefined {
  const range = DAY_RANGE.exec(text);
  if (range) {
    const from = DAY_INDEX.indexOf(range[1]!.slice(0, 3));
    const to = DAY_INDEX.indexOf(range[2]!.slice(0, 3));
    return ((to - from + 7) % 7) + 1;
  }
  if (/\bweekends?\b|\bsat(?:urday)?s?\s*(?:and|&|\+)\s*sun(?:day)?s?\b/.test(text) && !/\bweekdays?\b|\bweekends? too\b/.test(text))
    return 2;
  if (/\b(?:weekdays?|business days|working days|workdays|work days)\b/.test(text)) return 5;
  if (/\b(?:7|seven) days\b|\bevery (?:day|night)\b|\beach (?:day|night)\b|\bdaily\b|\bnightly\b/.test(text)) return 7;
  return undefined;
}

// "9", "09:00", "9.30", "7:30am", "5 pm", "17h"; a bare number is taken as a clock time only in a range that reads as one.
const TIME = '(\\d{1,2})(?:([:.])(\\d{2}))?\\s*(am|pm|a\\.m\\.|p\\.m\\.|h\\b)?';
const RANGE = new RegExp(`\\b(?:from\\s+|between\\s+)?${TIME}\\s*(?:-|to|until|till|and)\\s*${TIME}`, 'g');
/** What may follow a range of bare numbers for it to be hours ("9 to 5 on weekdays"), not "3 to 5 replicas". */
const AFTER_BARE =
  /^\s*(?:$|[,.;:)]|on\b|at\b|in\b|and\b|every|each|daily|nightly|weekdays?|weekends?|mon|tue|wed|thu|fri|sat|sun|[a-z]{1,2}t\b|utc|gmt|local|hours?|o'?clock|shifts?)/;

const DAYS_WORD = '(?:weekdays?|weekends?|business days|working days|daily|nightly|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)';
/** Days or a time zone after a dotted range: "9.30 to 17.30 weekdays", "8.30-18.00 CET", "9.00-17.00 on weekdays". */
const AFTER_DOTTED = new RegExp(
  `^\\s*,?\\s*(?:(?:on\\s+|every\\s+|each\\s+)?${DAYS_WORD}\\b|(?:utc|gmt|cet|cest|bst|ist|jst|aest|[ecmp][sd]t)\\b|local time|o'?clock)`,
);
/** Days or a word of use just before it: "weekdays 9.30-17.30", "runs 9.30 to 17.30", "open from 8.30 to 18.00". */
const BEFORE_DOTTED = new RegExp(`(?:${DAYS_WORD}|runs?|used|open|needed|up|online|available|from|between)\\s*:?\\s*$`);

/**
 * Whether a range written with dots ("9.30 to 17.30") is clock times rather than decimals or versions
 * ("1.25 to 2.50 TB", "python 3.11 to 3.12"): days, a time zone or a word of use must stand beside it.
 * numbers.ts keeps such a range as written, for clockRange to read.
 */
export function readsAsDottedClock(before: string, after: string): boolean {
  return AFTER_DOTTED.test(after) || BEFORE_DOTTED.test(before.slice(-40));
}

interface ClockTime {
  hour: number;
  minute: number;
  meridiem?: 'am' | 'pm';
  /** Written as a clock time: with a colon or am/pm. */
  marked: boolean;
  /** Written as 9.30: a clock time only where the range reads as one, since 2.50 may be terabytes. */
  dotted: boolean;
}

const timeOf = (h: string, sep: string | undefined, m: string | undefined, mer: string | undefined): ClockTime | undefined => {
  const hour = Number(h);
  const minute = m === undefined ? 0 : Number(m);
  if (minute > 59) return undefined;
  const meridiem = mer?.startsWith('a') ? 'am' : mer?.startsWith('p') ? 'pm' : undefined;
  if (meridiem ? hour < 1 || hour > 12 : hour > 24) return undefined;
  return { hour, minute, ...(meridiem && { meridiem }), marked: sep === ':' || mer !== undefined, dotted: sep === '.' };
};

const on24 = (t: ClockTime) => (t.meridiem ? (t.hour % 12) + (t.meridiem === 'pm' ? 12 : 0) : t.hour % 24) + t.minute / 60;

/** One clock time as hours after midnight: "midnight", "noon", "4am", "11:30 pm"; undefined when it is none. */
export function hourOfDay(clock: string): number | undefined {
  if (clock === 'midnight') return 0;
  if (clock === 'noon') return 12;
  const m = new RegExp(`^${TIME}$`).exec(clock);
  const t = m ? timeOf(m[1]!, m[2], m[3], m[4]) : undefined;
  return t && on24(t);
}

/** A clock range as start hour and hours long; undefined when it does not read as one. */
function clockRange(text: string): { startHour: number; hours: number; text: string } | undefined {
  for (const m of text.matchAll(RANGE)) {
    const from = timeOf(m[1]!, m[2], m[3], m[4]);
    const to = timeOf(m[5]!, m[6], m[7], m[8]);
    if (!from || !to) continue;
    const cued = /^(?:from|between)\b/.test(m[0]);
    const marked = from.marked || to.marked;
    if (!marked && (from.dotted || to.dotted)) {
      // "9.30 to 17.30 weekdays": dotted times need what follows to read as hours, whatever the hours are.
      if (!readsAsDottedClock(text.slice(0, m.index), text.slice(m.index + m[0].length))) continue;
    } else if (!marked) {
      // "9 to 5", "9-5": a working day only where nothing measured follows.
      if (!AFTER_BARE.test(text.slice(m.index + m[0].length))) continue;
      if (!(from.hour >= 5 && from.hour <= 11 && to.hour >= 1 && to.hour <= 12) && !cued) continue;
    }
    // An end with no am/pm before its start is in the afternoon where that makes a day ("9 to 5", "7:30-4");
    // otherwise it is past midnight ("22:00 and 02:00", "10pm to 6").
    const start = on24(from);
    let end = on24(to);
    if (!to.meridiem && end <= start && end + 12 > start && end + 12 <= 24) end += 12;
    const hours = (end - start + 24) % 24;
    // A dotted range of minutes ("3.11 to 3.12 daily") is two versions, not a schedule.
    if (hours === 0 || ((from.dotted || to.dotted) && !marked && hours < 1)) continue;
    return { startHour: start, hours, text: m[0].trim() };
  }
  return undefined;
}

/** The working hours a description states, or undefined when it states none (or says it runs all the time). */
export function workingHoursOf(text: string): WorkingHours | undefined {
  if (ALWAYS_ON.test(text)) return undefined;
  const days = daysOf(text);
  const range = clockRange(text);
  if (range) {
    // A working day with no days named is a weekday one; a night or a short job runs every day.
    const workingDay = range.startHour >= 6 && range.startHour <= 10 && range.hours >= 6 && range.hours <= 12;
    return { hoursPerDay: range.hours, daysPerWeek: days ?? (workingDay ? 5 : 7), startHour: range.startHour, text: range.text };
  }
  const named = /\b(?:business|office|working|work|opening|school) hours\b/.exec(text);
  if (named) return { hoursPerDay: 10, daysPerWeek: days === 7 ? 7 : (days ?? 5), text: named[0] };
  const only = /\b(?:weekdays|weekends?) only\b|\bonly (?:on )?(?:weekdays|weekends?)\b|\bon weekends\b/.exec(text);
  if (only && days !== undefined && days < 7) return { hoursPerDay: 24, daysPerWeek: days, text: only[0] };
  return undefined;
}
