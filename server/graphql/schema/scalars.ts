import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * Dates outside these years are refused as input: no GP record is older or that far ahead, and
 * both back ends refuse some of them (PostgreSQL has no year 0).
 */
const EARLIEST_YEAR = 1800;
const LATEST_YEAR = 2999;

/** A real calendar date in range (2026-02-31 and 0000-01-01 are not). */
function isInRangeDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
  const year = date.getUTCFullYear();
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}

builder.scalarType('Date', {
  description: 'A calendar date as recorded: YYYY, YYYY-MM or YYYY-MM-DD (inputs must be YYYY-MM-DD).',
  serialize: (value) => String(value).slice(0, 10),
  parseValue: (value) => {
    if (typeof value !== 'string' || !FULL_DATE.test(value) || !isInRangeDate(value)) {
      throw new GraphQLError(`Date must be YYYY-MM-DD, a real date in the years ${EARLIEST_YEAR} to ${LATEST_YEAR}.`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value;
  },
});

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with a time zone (e.g. 2026-11-22T09:30:00Z).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()),
  parseValue: (value) => {
    const date = typeof value === 'string' && /T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) ? new Date(value) : null;
    const year = date?.getUTCFullYear() ?? Number.NaN;
    if (!date || Number.isNaN(date.getTime()) || year < EARLIEST_YEAR || year > LATEST_YEAR) {
      throw new GraphQLError(`DateTime must be ISO 8601 with a time zone, in the years ${EARLIEST_YEAR} to ${LATEST_YEAR}.`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'A JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
