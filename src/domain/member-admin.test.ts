import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseMemberListQuery, validateMemberTier } from './member-admin.ts';

describe('members list query and tiers', () => {
  test('reads the filters, and names each wrong one', () => {
    assert.deepEqual(
      parseMemberListQuery({ q: '  ana   reis ', status: 'active', tier: '3', mark: 'banned', after: '120' }),
      {
        filters: { text: 'ana reis', status: 'active', tier: 3, mark: 'banned', afterId: 120 },
        errors: [],
      },
    );
    assert.deepEqual(parseMemberListQuery({ tier: 'none' }).filters, { tier: 'none' });
    const { errors } = parseMemberListQuery({
      q: 'x'.repeat(201),
      status: 'gone',
      tier: '-1',
      mark: 'spam',
      after: '1e3',
    });
    assert.deepEqual(
      errors.map((e) => e.field),
      ['q', 'status', 'mark', 'tier', 'after'],
    );
  });

  test('a paid tier needs a price label; a free one keeps none', () => {
    const paid = validateMemberTier({
      name: 'Supporter',
      slug: '',
      description: '',
      isPaid: true,
      priceLabel: '',
    });
    assert.deepEqual(
      paid.errors.map((e) => e.field),
      ['priceLabel'],
    );
    const free = validateMemberTier({
      name: ' Reader ',
      slug: '',
      description: '',
      isPaid: false,
      priceLabel: '€5',
    });
    assert.deepEqual(free.errors, []);
    assert.deepEqual(free.fields, {
      name: 'Reader',
      slug: 'reader',
      description: '',
      isPaid: false,
      priceLabel: null,
    });
    assert.deepEqual(
      validateMemberTier({ name: '', slug: '', description: '', isPaid: false, priceLabel: '' }).errors.map(
        (e) => e.field,
      ),
      ['name'],
    );
    assert.deepEqual(
      validateMemberTier({
        name: '!!!',
        slug: '',
        description: '',
        isPaid: false,
        priceLabel: '',
      }).errors.map((e) => e.field),
      ['slug'],
    );
  });
});
