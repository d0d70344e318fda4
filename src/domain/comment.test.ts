import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  arrangeThreads,
  COMMENT_MAX_DEPTH,
  cleanCommentText,
  isEditable,
  isHeld,
  isOpenForComments,
  type ThreadNode,
} from './comment.ts';

describe('comment rules', () => {
  test('a comment’s text loses the controls that reorder text (bidi embeddings, overrides, isolates, marks)', () => {
    assert.equal(
      cleanCommentText(
        'Open \u202Egpj.exe\u202C and \u2067hidden\u2069 \u200E\u200F\u061C\u202A\u202B\u202D\u2066\u2068done',
      ),
      'Open gpj.exe and hidden done',
    );
    // Arabic and Hebrew themselves stay: the page gives each comment its own direction.
    assert.equal(cleanCommentText('שלום, مرحبا'), 'שלום, مرحبا');
  });

  test('an article takes comments while the site and the article have them on, until it is too old', () => {
    const article = { hasComments: true, publishedAt: '2026-01-01T00:00:00.000Z' };
    const now = new Date('2026-01-20T00:00:00.000Z');
    assert.equal(isOpenForComments(article, { isOpen: true, closeAfterDays: 0 }, now), true);
    assert.equal(isOpenForComments(article, { isOpen: true, closeAfterDays: 30 }, now), true);
    assert.equal(isOpenForComments(article, { isOpen: true, closeAfterDays: 10 }, now), false);
    assert.equal(isOpenForComments(article, { isOpen: false, closeAfterDays: 0 }, now), false);
    assert.equal(
      isOpenForComments({ ...article, hasComments: false }, { isOpen: true, closeAfterDays: 0 }, now),
      false,
    );
  });

  test('the policy holds every comment, a member’s first, or none', () => {
    assert.equal(isHeld('all', true), true);
    assert.equal(isHeld('first', false), true);
    assert.equal(isHeld('first', true), false);
    assert.equal(isHeld('open', false), false);
  });

  test('a comment is editable for 15 minutes', () => {
    const at = '2026-01-01T10:00:00.000Z';
    assert.equal(isEditable(at, new Date('2026-01-01T10:14:59.000Z')), true);
    assert.equal(isEditable(at, new Date('2026-01-01T10:15:00.000Z')), false);
  });
});

describe('arrangeThreads', () => {
  const comment = (id: number, parentId: number | null, minute: number) => ({
    id,
    parentId,
    createdAt: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  });
  const shape = (nodes: ThreadNode<{ id: number }>[]): unknown =>
    nodes.map((n) => (n.replies.length ? [n.comment.id, shape(n.replies)] : n.comment.id));

  test('threads replies under their parents, oldest first, and orders the top level as asked', () => {
    const comments = [
      comment(1, null, 1),
      comment(2, 1, 2),
      comment(3, null, 3),
      comment(4, 1, 4),
      comment(5, 2, 5),
    ];
    assert.deepEqual(shape(arrangeThreads(comments, 'oldest')), [[1, [[2, [5]], 4]], 3]);
    assert.deepEqual(shape(arrangeThreads(comments, 'newest')), [3, [1, [[2, [5]], 4]]]);
  });

  test('a reply to a comment not shown goes to the top level; one past the deepest level sits beside its parent', () => {
    const orphan = arrangeThreads([comment(1, null, 1), comment(9, 42, 2)], 'oldest');
    assert.deepEqual(shape(orphan), [1, 9]);
    const chain = Array.from({ length: COMMENT_MAX_DEPTH + 2 }, (_, i) =>
      comment(i + 1, i === 0 ? null : i, i),
    );
    const deepest = (nodes: ThreadNode<{ id: number }>[]): number =>
      Math.max(0, ...nodes.map((n) => Math.max(n.depth, deepest(n.replies))));
    const threads = arrangeThreads(chain, 'oldest');
    assert.equal(deepest(threads), COMMENT_MAX_DEPTH);
    assert.equal(threads.length, 1, 'still one thread');
  });
});
