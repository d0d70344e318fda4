import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../errors.ts';
import { ARTICLE_STATUSES } from './article.ts';
import {
  availableTransitions,
  isOwnArticle,
  mayDeleteArticle,
  mayEditArticle,
  mayTransition,
  nextStatus,
} from './workflow.ts';

describe('editorial workflow', () => {
  it('moves a draft to review, and a reviewed article to published or scheduled', () => {
    assert.equal(nextStatus('draft', 'submit'), 'review');
    assert.equal(nextStatus('review', 'publish'), 'published');
    assert.equal(nextStatus('review', 'schedule'), 'scheduled');
    assert.equal(nextStatus('published', 'unpublish'), 'unpublished');
  });

  it('refuses a transition that does not apply to the current status', () => {
    assert.throws(
      () => nextStatus('published', 'submit'),
      (error) => isAppError(error) && error.code === 'STATUS_TRANSITION_INVALID',
    );
    assert.throws(() => nextStatus('draft', 'unpublish'));
  });

  it('lets a contributor submit their own draft but never publish it', () => {
    assert.deepEqual(availableTransitions('contributor', 'draft', true), ['submit']);
    assert.equal(mayTransition('contributor', 'publish', true), false);
    assert.equal(mayTransition('contributor', 'submit', false), false);
  });

  it('lets an author publish their own work but not someone else’s', () => {
    assert.equal(mayTransition('author', 'publish', true), true);
    assert.equal(mayTransition('author', 'publish', false), false);
  });

  it('lets an editor review, schedule and publish anyone’s article', () => {
    assert.deepEqual(availableTransitions('editor', 'review', false), ['return', 'publish', 'schedule']);
  });

  it('keeps contributors away from submitted, scheduled and published articles, even their own', () => {
    assert.equal(mayEditArticle('contributor', 'published', true), false);
    assert.equal(mayEditArticle('contributor', 'review', true), false);
    assert.equal(mayEditArticle('contributor', 'scheduled', true), false);
    assert.equal(mayEditArticle('author', 'review', true), true);
    assert.deepEqual(availableTransitions('contributor', 'scheduled', true), []);
    assert.deepEqual(availableTransitions('contributor', 'review', true), []);
    assert.equal(mayEditArticle('contributor', 'draft', true), true);
    assert.equal(mayEditArticle('editor', 'published', false), true);
  });

  it('counts an article as one’s own by byline or by who created it', () => {
    const actor = { id: 7, role: 'contributor' as const, personId: 3 };
    assert.equal(isOwnArticle({ authorIds: [1, 3] }, actor, null), true);
    assert.equal(isOwnArticle({ authorIds: [1] }, actor, 7), true);
    assert.equal(isOwnArticle({ authorIds: [1] }, actor, 9), false);
  });

  it('lets editors delete any article, authors only their own outside review and schedule, contributors none', () => {
    for (const status of ARTICLE_STATUSES) {
      for (const isOwn of [true, false]) {
        assert.equal(mayDeleteArticle('contributor', status, isOwn), false, `contributor ${status}`);
        assert.equal(mayDeleteArticle('editor', status, isOwn), true, `editor ${status}`);
        assert.equal(mayDeleteArticle('admin', status, isOwn), true, `admin ${status}`);
      }
      assert.equal(mayDeleteArticle('author', status, false), false, `author, someone else's ${status}`);
    }
    assert.equal(mayDeleteArticle('author', 'draft', true), true);
    assert.equal(mayDeleteArticle('author', 'published', true), true);
    assert.equal(mayDeleteArticle('author', 'unpublished', true), true);
    assert.equal(mayDeleteArticle('author', 'review', true), false);
    assert.equal(mayDeleteArticle('author', 'scheduled', true), false);
  });
});
