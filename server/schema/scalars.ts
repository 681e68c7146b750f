import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

builder.scalarType('Date', {
  description: 'A calendar date as recorded: YYYY, YYYY-MM or YYYY-MM-DD (inputs must be YYYY-MM-DD).',
  serialize: (value) => String(value).slice(0, 10),
  parseValue: (value) => {
    if (typeof value !== 'string' || !FULL_DATE.test(value) || Number.isNaN(Date.parse(value))) {
      throw new GraphQLError('Date must be YYYY-MM-DD.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value;
  },
});

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with a time zone (e.g. 2026-11-22T09:30:00Z).',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()),
  parseValue: (value) => {
    const date = typeof value === 'string' && /T.*(Z|[+-]\d{2}:?\d{2})$/.test(value) ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) {
      throw new GraphQLError('DateTime must be ISO 8601 with a time zone.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'A JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
