import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeRenderPools } from '../../content/render-pool.ts';
import { diffFields } from '../../domain/revision-diff.ts';
import { compareTexts } from './revision-comparison.ts';

/** Lines of words that differ from one seed to another almost everywhere. */
function text(seed: number, length: number): string {
  let state = seed;
  const lines: string[] = [];
  let total = 0;
  while (total < length) {
    const words = Array.from({ length: 10 }, () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return `w${state % 10_000}`;
    });
    const line = words.join(' ');
    lines.push(line);
    total += line.length + 1;
  }
  return lines.join('\n');
}

describe('comparing two versions', () => {
  after(closeRenderPools);

  it('compares a small change and a large one alike, line by line', async () => {
    for (const [before, next] of [
      [
        { Title: 'Old', Body: 'Same.\nOld line.' },
        { Title: 'New', Body: 'Same.\nNew line.' },
      ],
      [
        { Title: 'Old', Body: text(1, 20_000) },
        { Title: 'New', Body: text(2, 20_000) },
      ],
    ] as const) {
      assert.deepEqual(await compareTexts(before, next), diffFields(before, next));
    }
  });

  it('shows the versions whole when comparing them runs past its time limit', async () => {
    const before = { Title: 'Old', Body: text(1, 2_000_000) };
    const next = { Title: 'New', Body: text(2, 2_000_000) };
    const fields = await compareTexts(before, next, { timeoutMs: 1 });
    assert.deepEqual(
      fields.map((field) => [field.field, field.isWhole]),
      [
        ['Title', true],
        ['Body', true],
      ],
    );
    const [row] = fields[1]?.rows ?? [];
    assert.equal(row?.left?.kind, 'removed');
    assert.ok(row?.left?.text.startsWith(before.Body.slice(0, 100)));
    assert.equal((row?.left?.text.length ?? 0) + (row?.left?.omittedChars ?? 0), before.Body.length);
    assert.ok(row?.right?.text.startsWith(next.Body.slice(0, 100)));
  });
});
