import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  effectiveLicense,
  isStorableLicense,
  LICENSE_CODES,
  LICENSES,
  licenseInput,
  licenseOf,
  licenseProblem,
  licenseUrl,
  migratedLicense,
  recognizeLicense,
} from './license.ts';

describe('licenses', () => {
  it('answers what each license lets a republisher do', () => {
    const grants = (code: (typeof LICENSE_CODES)[number]) => {
      const { canRepublish, canUseCommercially, canModify, canIncludeImages } = LICENSES[code];
      return [canRepublish, canUseCommercially, canModify, canIncludeImages];
    };
    assert.deepEqual(grants('site-terms'), [true, false, false, false]);
    assert.deepEqual(grants('cc-by-4.0'), [true, true, true, true]);
    assert.deepEqual(grants('cc-by-nd-4.0'), [true, true, false, true]);
    assert.deepEqual(grants('cc-by-nc-nd-4.0'), [true, false, false, true]);
    assert.deepEqual(grants('all-rights-reserved'), [false, false, false, false]);
  });

  it('gives each Creative Commons license its own address, and the site terms a page on the site', () => {
    for (const code of LICENSE_CODES) assert.equal(LICENSES[code].code, code);
    assert.equal(
      licenseUrl(LICENSES['cc-by-nd-4.0'], 'https://s.test'),
      'https://creativecommons.org/licenses/by-nd/4.0/',
    );
    assert.equal(licenseUrl(LICENSES['site-terms'], 'https://s.test'), 'https://s.test/republishing-terms');
    assert.equal(licenseUrl(LICENSES['all-rights-reserved'], 'https://s.test'), null);
    assert.equal(licenseUrl(licenseOf('other:Public domain'), 'https://s.test'), null);
  });

  it('takes the site default when the article names none', () => {
    assert.equal(effectiveLicense(null, 'cc-by-4.0').code, 'cc-by-4.0');
    assert.equal(effectiveLicense('all-rights-reserved', 'cc-by-4.0').code, 'all-rights-reserved');
  });

  it('recognizes the usual ways of writing the licenses of the set', () => {
    const cases: [string, string][] = [
      ['CC BY 4.0', 'cc-by-4.0'],
      ['cc-by-4.0', 'cc-by-4.0'],
      ['CC-BY-4.0', 'cc-by-4.0'],
      ['CC BY 4.0.', 'cc-by-4.0'],
      ['Creative Commons Attribution 4.0 International', 'cc-by-4.0'],
      ['Creative Commons Attribution 4.0 International License', 'cc-by-4.0'],
      ['Creative Commons BY-NC-ND 4.0', 'cc-by-nc-nd-4.0'],
      ['CC BY-NC-ND 4.0', 'cc-by-nc-nd-4.0'],
      ['cc_by_nd_4.0', 'cc-by-nd-4.0'],
      ['Creative Commons Attribution-NoDerivatives 4.0 International', 'cc-by-nd-4.0'],
      ['Creative Commons Attribution-NonCommercial-NoDerivatives 4.0', 'cc-by-nc-nd-4.0'],
      ['https://creativecommons.org/licenses/by/4.0/', 'cc-by-4.0'],
      ['http://creativecommons.org/licenses/by-nd/4.0', 'cc-by-nd-4.0'],
      ['https://creativecommons.org/licenses/by-nc-nd/4.0/deed.fr', 'cc-by-nc-nd-4.0'],
      ['https://creativecommons.org/licenses/by/4.0/legalcode', 'cc-by-4.0'],
      ['All rights reserved', 'all-rights-reserved'],
      ['© All Rights Reserved.', 'all-rights-reserved'],
    ];
    for (const [text, code] of cases) assert.equal(recognizeLicense(text), code, text);
  });

  it('makes no guess about other licenses, versions or addresses', () => {
    for (const text of [
      'CC BY-SA 4.0',
      'CC BY 3.0',
      'CC BY',
      'https://creativecommons.org/licenses/by-sa/4.0/',
      'https://creativecommons.org.evil.test/licenses/by/4.0/',
      'Public domain',
      'Some rights reserved',
    ]) {
      assert.equal(recognizeLicense(text), undefined, text);
    }
  });

  it('keeps a value from before word for word when it is not recognizable', () => {
    assert.equal(migratedLicense(' CC BY 4.0 '), 'cc-by-4.0');
    assert.equal(migratedLicense('CC BY-SA 4.0'), 'other:CC BY-SA 4.0');
    const kept = licenseOf('other:CC BY-SA 4.0');
    assert.equal(kept.code, null);
    assert.equal(kept.name, 'CC BY-SA 4.0');
    assert.equal(kept.canRepublish, false, 'words grant nothing anyone can act on');
  });

  it('accepts codes and other: values, and names the codes for anything else', () => {
    assert.equal(isStorableLicense('cc-by-4.0'), true);
    assert.equal(isStorableLicense('other:Public domain'), true);
    assert.equal(isStorableLicense('other:   '), false);
    assert.equal(isStorableLicense(`other:${'x'.repeat(201)}`), false);
    assert.equal(isStorableLicense('CC BY 4.0'), false);
    assert.match(
      licenseProblem('cc-by-sa-4.0') ?? '',
      /^must be one of site-terms, cc-by-4.0, .*all-rights-reserved/,
    );
    assert.equal(licenseProblem('site-terms'), undefined);
  });

  it('reads a license given by a form or a file: empty is none, recognizable becomes the code', () => {
    assert.equal(licenseInput(''), null);
    assert.equal(licenseInput(null), null);
    assert.equal(licenseInput(' CC BY-ND 4.0 '), 'cc-by-nd-4.0');
    assert.equal(licenseInput('other:Public domain'), 'other:Public domain');
    assert.equal(licenseInput('cc-by-sa-4.0'), 'cc-by-sa-4.0', 'left for validation to refuse');
  });
});
