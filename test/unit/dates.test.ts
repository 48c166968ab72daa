import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { isCalendarDate, parseDateTime, toIsoUtc } from '../../src/shared/dates.ts';

const addFormats = addFormatsModule.default;
const ajv = new Ajv();
addFormats(ajv);
const ajvDateTime = ajv.compile({ type: 'string', format: 'date-time' });
const ajvDate = ajv.compile({ type: 'string', format: 'date' });

describe('RFC 3339 dates and date-times', () => {
  it.each([
    ['2025-03-01T10:15:00Z', '2025-03-01T10:15:00.000Z'],
    ['2025-03-01t10:15:00z', '2025-03-01T10:15:00.000Z'],
    ['2025-03-01 10:15:00Z', '2025-03-01T10:15:00.000Z'],
    ['2025-03-01T15:45:00+05:30', '2025-03-01T10:15:00.000Z'],
    ['2025-03-01T10:15:00-00:00', '2025-03-01T10:15:00.000Z'],
    ['2025-03-01T00:15:00+14:00', '2025-02-28T10:15:00.000Z'],
    ['2025-03-01T10:15:00.9999999999Z', '2025-03-01T10:15:00.999Z'],
    ['2024-02-29T10:15:00.1Z', '2024-02-29T10:15:00.100Z'],
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
    ['2017-01-01T00:59:60+01:00', '2016-12-31T23:59:59.999Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ])('reads %s as %s, as a format: date-time validator admits it', (value, utc) => {
    expect(ajvDateTime(value)).toBe(true);
    expect(toIsoUtc(value)).toBe(utc);
  });

  it.each([
    '2025-02-30T10:00:00Z',
    '2023-02-29T10:00:00Z',
    '2025-13-01T10:00:00Z',
    '2025-04-31T10:00:00Z',
    '2025-03-01T24:00:00Z',
    '2025-03-01T10:60:00Z',
    '2025-03-01T10:15:60Z',
    '2025-03-01T10:15:00+24:00',
    '2025-03-01T10:15Z',
    '2025-03-01T10:15:00,5Z',
    '2025-03-01',
    'March 1, 2025',
  ])('refuses %s, as a format: date-time validator does', (value) => {
    expect(ajvDateTime(value)).toBe(false);
    expect(parseDateTime(value)).toBeUndefined();
  });

  it('reads a date-time without an offset only when told it is UTC', () => {
    expect(parseDateTime('2025-03-01T10:15:00')).toBeUndefined();
    expect(toIsoUtc('2025-03-01T10:15:00', { withoutOffset: 'utc' })).toBe(
      '2025-03-01T10:15:00.000Z',
    );
    expect(toIsoUtc('2025-02-30T10:15:00', { withoutOffset: 'utc' })).toBeUndefined();
  });

  it('knows which days exist', () => {
    for (const day of ['2024-02-29', '2000-02-29', '2025-12-31', '2025-04-30']) {
      expect([day, ajvDate(day), isCalendarDate(day)]).toEqual([day, true, true]);
    }
    for (const day of ['2025-02-29', '1900-02-29', '2025-02-30', '2025-04-31', '2025-00-10']) {
      expect([day, ajvDate(day), isCalendarDate(day)]).toEqual([day, false, false]);
    }
  });
});
