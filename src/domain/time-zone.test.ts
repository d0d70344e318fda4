import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  calendarDay,
  isTimeZone,
  timeZoneNames,
  utcToZoned,
  zoneAbbreviation,
  zonedToUtc,
} from './time-zone.ts';

describe('the site time zone', () => {
  it('knows IANA names and refuses others', () => {
    assert.ok(isTimeZone('Europe/Berlin'));
    assert.ok(isTimeZone('UTC'));
    assert.ok(!isTimeZone('Mars/Olympus'));
    assert.ok(!isTimeZone(''));
    assert.ok(timeZoneNames().includes('Africa/Nairobi'));
    assert.equal(timeZoneNames()[0] === 'UTC' || timeZoneNames().includes('UTC'), true);
  });

  it('reads a time entered in the zone as UTC, and shows UTC in the zone', () => {
    assert.equal(zonedToUtc('2026-12-01T09:30', 'Europe/Berlin'), '2026-12-01T08:30:00.000Z');
    assert.equal(zonedToUtc('2026-07-01T09:30', 'Europe/Berlin'), '2026-07-01T07:30:00.000Z');
    assert.equal(zonedToUtc('2026-12-01T09:30', 'Africa/Nairobi'), '2026-12-01T06:30:00.000Z');
    assert.equal(zonedToUtc('2026-12-01T09:30', 'America/Los_Angeles'), '2026-12-01T17:30:00.000Z');
    assert.equal(zonedToUtc('2026-12-01 09:30', 'UTC'), '2026-12-01T09:30:00.000Z');
    assert.equal(utcToZoned('2026-12-01T08:30:00.000Z', 'Europe/Berlin'), '2026-12-01T09:30');
    assert.equal(utcToZoned('2026-12-31T23:30:00.000Z', 'Asia/Tokyo'), '2027-01-01T08:30');
  });

  it('handles the changes of clocks: a doubled hour is the earlier, a skipped one moves forward', () => {
    // Europe/Berlin: 2026-10-25 03:00 CEST becomes 02:00 CET; 2026-03-29 02:00 CET becomes 03:00 CEST.
    assert.equal(zonedToUtc('2026-10-25T02:30', 'Europe/Berlin'), '2026-10-25T00:30:00.000Z');
    assert.equal(zonedToUtc('2026-03-29T02:30', 'Europe/Berlin'), '2026-03-29T01:30:00.000Z');
    assert.equal(utcToZoned('2026-03-29T01:30:00.000Z', 'Europe/Berlin'), '2026-03-29T03:30');
  });

  it('refuses readings that are no date', () => {
    assert.equal(zonedToUtc('2026-02-30T10:00', 'UTC'), null);
    assert.equal(zonedToUtc('2026-12-01T24:00', 'UTC'), null);
    assert.equal(zonedToUtc('tomorrow', 'UTC'), null);
  });

  it('names the zone as the admin shows it beside a time', () => {
    assert.equal(zoneAbbreviation('2026-12-01T08:30:00.000Z', 'UTC'), 'UTC');
    assert.equal(zoneAbbreviation('2026-12-01T08:30:00.000Z', 'Europe/Berlin'), 'CET');
    assert.equal(zoneAbbreviation('2026-07-01T08:30:00.000Z', 'Europe/Berlin'), 'CEST');
  });

  it('writes an instant on each zone and language asked for, also once it has been written for another', () => {
    const late = '2026-03-14T23:30:00.000Z';
    assert.equal(calendarDay(late, 'en', 'UTC'), 'March 14, 2026');
    assert.equal(calendarDay(late, 'en', 'Asia/Tokyo'), 'March 15, 2026');
    assert.equal(calendarDay(late, 'de', 'UTC'), '14. März 2026');
    assert.equal(calendarDay(late, 'en', 'UTC'), 'March 14, 2026');
    assert.equal(calendarDay(late, 'en', 'Asia/Tokyo'), 'March 15, 2026');
    // A value that is no instant is written as given, the first time and again.
    assert.equal(calendarDay('not a date', 'en', 'UTC'), 'not a date');
    assert.equal(calendarDay('not a date', 'en', 'UTC'), 'not a date');
  });
});
