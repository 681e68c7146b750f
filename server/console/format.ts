// How the console writes dates, times, NHS numbers and sizes: the NHS style (GOV.UK / NHS digital
// service manual), so "1 December 2026", "1 December 2026 at 14:05" in UK time, "999 000 0018".
// Every formatter gives back its input unchanged when it cannot read it, so a page never fails on
// an odd value; it shows the value as it came.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const UK_TIME_ZONE = 'Europe/London';
const ukParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

function ukCalendar(instant: Date): { year: number; month: number; day: number; hour: string; minute: string } {
  const parts = Object.fromEntries(ukParts.formatToParts(instant).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: parts.hour ?? '00', minute: parts.minute ?? '00' };
}

const toInstant = (value: string | Date): Date | null => {
  const instant = value instanceof Date ? value : new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
};

/**
 * A calendar date as the record holds it: "2026-12-01" → "1 December 2026", "2026-12" →
 * "December 2026", "2026" → "2026". An instant (with a time) is read as its date in UK time.
 */
export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    const partial = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
    if (partial) {
      const [, year, month, day] = partial;
      const monthName = month ? MONTHS[Number(month) - 1] : undefined;
      if (month && !monthName) return value;
      if (day) return `${Number(day)} ${monthName} ${year}`;
      return monthName ? `${monthName} ${year}` : `${year}`;
    }
  }
  const instant = toInstant(value);
  if (!instant) return String(value);
  const { year, month, day } = ukCalendar(instant);
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

/** An instant in UK time (GMT or BST as it was then): "1 December 2026 at 14:05". */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return '';
  const instant = toInstant(value);
  if (!instant) return String(value);
  const { year, month, day, hour, minute } = ukCalendar(instant);
  return `${day} ${MONTHS[month - 1]} ${year} at ${hour}:${minute}`;
}

/** NHS numbers in groups of 3, 3 and 4: "9990000018" → "999 000 0018". */
export function formatNhsNumber(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const digits = value.replace(/[\s-]/g, '');
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value;
}

/** Bytes for people: "820 bytes", "12.5 KB", "3.2 MB" (1 KB = 1,024 bytes, as file managers show). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return String(bytes);
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB'];
  let size = bytes / 1024;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size >= 100 ? Math.round(size) : Math.round(size * 10) / 10} ${units[unit]}`;
}

/** A duration for people: "350 milliseconds", "1.2 seconds", "2 minutes 5 seconds". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1000) return `${Math.round(ms)} milliseconds`;
  if (ms < 60_000) {
    const seconds = Math.round(ms / 100) / 10;
    return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  const minutePart = `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  return seconds ? `${minutePart} ${seconds} ${seconds === 1 ? 'second' : 'seconds'}` : minutePart;
}

/** Whole numbers with thousands separators: 12345 → "12,345". */
export function formatCount(value: number): string {
  return new Intl.NumberFormat('en-GB').format(value);
}

/**
 * A date a person typed: "2026-12-01" (what a date field sends) or "1/12/2026" (day first, as
 * people in the UK write it). Null when it is not a real calendar date.
 */
export function parseUkDate(text: string): string | null {
  const value = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const uk = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]].map(Number) : uk ? [uk[3], uk[2], uk[1]].map(Number) : [];
  if (year === undefined || month === undefined || day === undefined) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The instant a UK calendar day ("2026-07-01") begins: midnight in London, GMT or BST. */
export function ukStartOfDay(isoDate: string): Date | null {
  const parsed = parseUkDate(isoDate);
  if (!parsed) return null;
  const [year, month, day] = parsed.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(year, month - 1, day);
  // London is UTC or UTC+1; at UTC midnight its clock shows 00 or 01, which is the offset.
  const { hour } = ukCalendar(new Date(utcMidnight));
  return new Date(utcMidnight - Number(hour) * 3_600_000);
}

/** The next calendar day of "2026-12-31": "2027-01-01". */
export function nextDay(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}
