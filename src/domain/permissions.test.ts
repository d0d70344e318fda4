import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ACTIONS, can, canOnItem, PERMISSIONS, permissionMatrixMarkdown } from './permissions.ts';
import { ROLES } from './user.ts';

describe('permission matrix', () => {
  test('the admin may do everything', () => {
    for (const action of ACTIONS) assert.equal(can('admin', action), true, action);
  });

  test('each role may do at least what the role below it may', () => {
    for (const [i, role] of ROLES.entries()) {
      const lower = ROLES[i - 1];
      if (!lower) continue;
      for (const action of ACTIONS) {
        if (can(lower, action))
          assert.equal(can(role, action), true, `${role} lacks ${action} that ${lower} has`);
      }
    }
  });

  test('a contributor writes and submits but cannot publish', () => {
    assert.equal(can('contributor', 'article.create'), true);
    assert.equal(can('contributor', 'article.submit'), true);
    assert.equal(can('contributor', 'article.publish_own'), false);
    assert.equal(can('contributor', 'article.edit_any'), false);
  });

  test('an author publishes their own articles, not anyone else’s', () => {
    assert.equal(canOnItem('author', 'article', 'publish', { isOwn: true }), true);
    assert.equal(canOnItem('author', 'article', 'publish', { isOwn: false }), false);
    assert.equal(can('author', 'article.publish_own', { isOwn: false }), false);
  });

  test('an editor edits and publishes anyone’s articles and manages taxonomies, people and comments', () => {
    assert.equal(canOnItem('editor', 'article', 'edit', { isOwn: false }), true);
    assert.equal(canOnItem('editor', 'article', 'publish', { isOwn: false }), true);
    for (const action of ['taxonomy.manage', 'person.manage', 'comment.moderate'] as const) {
      assert.equal(can('editor', action), true, action);
    }
    for (const action of ['settings.manage', 'user.manage', 'audit.view'] as const) {
      assert.equal(can('editor', action), false, action);
    }
  });

  test('every role × every action answers as the table says', () => {
    for (const action of ACTIONS) {
      for (const role of ROLES) {
        const allowed = (PERMISSIONS[action].roles as readonly string[]).includes(role);
        assert.equal(can(role, action), allowed, `${role} ${action}`);
      }
    }
  });

  test('docs/permissions.md shows exactly this matrix', () => {
    const doc = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');
    const table = /<!-- matrix:start -->\n([\s\S]*?)\n<!-- matrix:end -->/.exec(doc)?.[1];
    assert.ok(table, 'docs/permissions.md lacks the matrix markers');
    assert.equal(
      table,
      permissionMatrixMarkdown(),
      'docs/permissions.md is out of date; regenerate the table as the document explains',
    );
  });
});
