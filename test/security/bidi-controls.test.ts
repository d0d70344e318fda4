// Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) reorder the text
// around a name on the page. They are stripped from plain names (users, people, terms, the site
// name) and refused, with the field named, in URL fields; through every door (the admin forms,
// the services the CLI and importers call). SQLite and, with TEST_DATABASE_URL, PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../../src/errors.ts';
import { createNewsletter, saveIssue, updateNewsletter } from '../../src/services/newsletters/admin.ts';
import { savePerson } from '../../src/services/newsroom/people-admin.ts';
import { findOrCreatePerson } from '../../src/services/people.ts';
import { editSettings, loadSiteSettings } from '../../src/services/settings.ts';
import { findOrCreateTerm } from '../../src/services/taxonomies.ts';
import { createUser } from '../../src/services/users.ts';
import { TEST_PASSWORD } from '../helpers/admin.ts';
import { createTestWiring, DATABASE_KINDS, type TestWiring } from '../helpers/databases.ts';

const CONTROLS = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
];

const refusedOn = (field: string) => (error: unknown) =>
  isAppError(error) && error.kind === 'invalid' && (error.details ?? []).some((d) => d.field === field);

for (const kind of DATABASE_KINDS) {
  describe(`bidirectional controls on ${kind}`, () => {
    let t: TestWiring;
    before(async () => {
      t = await createTestWiring(kind);
    });
    after(() => t.cleanup());

    test('are stripped from user, person, term and site names, whichever door they come by', async () => {
      const { wiring } = t;
      const admin = await createUser(wiring, {
        email: 'bidi-admin@example.org',
        name: `Ada${CONTROLS.join('')} Admin`,
        role: 'admin',
        password: TEST_PASSWORD,
      });
      assert.equal((await wiring.store.users.findById(admin.id))?.name, 'Ada Admin');
      const staff = { id: admin.id, email: admin.email, name: admin.name, role: admin.role, personId: null };
      for (const [i, control] of CONTROLS.entries()) {
        const person = await savePerson(wiring, staff, {
          name: `Rex ${control}Reverse ${i}`,
          slug: '',
          bio: '',
          email: '',
          website: '',
          photo: '',
          links: [],
        });
        assert.equal(person.name, `Rex Reverse ${i}`, `U+${control.codePointAt(0)!.toString(16)}`);
      }
      const imported = await wiring.store.transaction((repos) =>
        findOrCreatePerson(repos, { name: 'Imp\u202Eorted\u061C Author' }, wiring.now()),
      );
      assert.equal(imported.name, 'Imported Author');
      const theme = (await wiring.store.taxonomies.listTaxonomies()).find((x) => x.slug === 'theme')!;
      const term = await wiring.store.transaction((repos) =>
        findOrCreateTerm(repos, theme, { name: 'Water\u2067 rights\u200F' }, wiring.now()),
      );
      assert.equal(term.name, 'Water rights');
      await editSettings(wiring, admin, { site_name: 'The \u202EDaily\u200E' });
      assert.equal((await loadSiteSettings(wiring)).siteName, 'The Daily');
    });

    test('are stripped from newsletter names and issue subjects, which go to subscribers’ inboxes', async () => {
      const { wiring } = t;
      const editor = await createUser(wiring, {
        email: 'bidi-editor@example.org',
        name: 'Ed Editor',
        role: 'editor',
        password: TEST_PASSWORD,
      });
      const staff = {
        id: editor.id,
        email: editor.email,
        name: editor.name,
        role: editor.role,
        personId: null,
      };
      const input = { slug: 'bidi-daily', kind: 'daily', sendHour: '', isActive: true };
      const newsletterId = await createNewsletter(wiring, staff, {
        ...input,
        name: `Daily ${CONTROLS.join('')}News`,
      });
      assert.equal((await wiring.store.newsletters.findNewsletter(newsletterId))?.name, 'Daily News');
      await updateNewsletter(wiring, staff, newsletterId, { ...input, name: 'Daily \u202Esweivr News' });
      assert.equal((await wiring.store.newsletters.findNewsletter(newsletterId))?.name, 'Daily sweivr News');
      // "Your invoice \u202Efdp.exe" reads as "Your invoice exe.pdf" in a mail client's list.
      const issueId = await saveIssue(
        wiring,
        staff,
        { newsletterId },
        { subject: `Your invoice ${CONTROLS.join('')}fdp.exe`, intro: '', articleIds: [] },
      );
      assert.equal((await wiring.store.newsletters.findIssue(issueId))?.subject, 'Your invoice fdp.exe');
    });

    test('are refused in URL fields, with the field named', async () => {
      const { wiring } = t;
      const admin = (await wiring.store.users.findByEmail('bidi-admin@example.org'))!;
      const staff = { id: admin.id, email: admin.email, name: admin.name, role: admin.role, personId: null };
      for (const control of CONTROLS) {
        await assert.rejects(
          savePerson(wiring, staff, {
            name: 'Url Person',
            slug: '',
            bio: '',
            email: '',
            website: `https://example.org/${control}gpj.exe`,
            photo: '',
            links: [],
          }),
          refusedOn('website'),
        );
        await assert.rejects(
          editSettings(wiring, admin, { membership_url: `https://example.org/join${control}` }),
          refusedOn('membership_url'),
        );
      }
    });
  });
}
