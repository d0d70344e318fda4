// Lighthouse scores (performance, accessibility, best practices, SEO) of the home and article pages,
// as a phone (Lighthouse's default, throttled) and as a desktop. Runs offline against a local
// Pressroom with the Chromium at CHROME_PATH (default /usr/bin/chromium).
//
//   npm run bench:lighthouse
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { desktopConfig, type Flags, type Result } from 'lighthouse';
import { REPO_ROOT, startPressroom } from './lib/processes.ts';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const PAGES = [
  { name: 'home', path: '/' },
  { name: 'article', path: '/articles/velmar-basin-water-accounts' },
];
const FORM_FACTORS = ['mobile', 'desktop'] as const;

interface Row {
  page: string;
  formFactor: string;
  scores: Record<string, number>;
  flagged: string[];
}

/** Audits that lost points in a scored category, and insights that found something. */
function flaggedAudits(result: Result): string[] {
  const flagged: string[] = [];
  for (const id of CATEGORIES) {
    for (const ref of result.categories[id]?.auditRefs ?? []) {
      const audit = result.audits[ref.id];
      if (!audit || audit.score === null || audit.score >= 1) continue;
      if (['notApplicable', 'informative', 'manual'].includes(audit.scoreDisplayMode)) continue;
      const where = ref.weight > 0 ? id : `${id}, unscored`;
      flagged.push(
        `${audit.id} (${where}): ${audit.title}${audit.displayValue ? ` — ${audit.displayValue}` : ''}`,
      );
    }
  }
  return flagged;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-lighthouse-'));
  const outputDir = path.join(REPO_ROOT, 'bench', 'output');
  mkdirSync(outputDir, { recursive: true });
  const pressroom = await startPressroom({ dataDir: path.join(dir, 'data') });
  let chrome: chromeLauncher.LaunchedChrome | undefined;
  try {
    chrome = await chromeLauncher.launch({
      chromePath: CHROME_PATH,
      chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const rows: Row[] = [];
    for (const page of PAGES) {
      for (const formFactor of FORM_FACTORS) {
        const flags: Flags = {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: [...CATEGORIES],
        };
        const runner = await lighthouse(
          `${pressroom.baseUrl}${page.path}`,
          flags,
          formFactor === 'desktop' ? desktopConfig : undefined,
        );
        if (!runner) throw new Error(`Lighthouse returned nothing for ${page.path}`);
        const result = runner.lhr;
        if (result.runtimeError) throw new Error(`Lighthouse failed: ${result.runtimeError.message}`);
        writeFileSync(
          path.join(outputDir, `lighthouse-${page.name}-${formFactor}.json`),
          JSON.stringify(result, null, 2),
        );
        const scores = Object.fromEntries(
          CATEGORIES.map((id) => [id, Math.round((result.categories[id]?.score ?? 0) * 100)]),
        );
        rows.push({ page: page.name, formFactor, scores, flagged: flaggedAudits(result) });
      }
    }
    process.stdout.write(
      `${'page'.padEnd(10)}${'device'.padEnd(10)}${CATEGORIES.map((c) => c.padStart(16)).join('')}\n`,
    );
    for (const row of rows) {
      process.stdout.write(
        `${row.page.padEnd(10)}${row.formFactor.padEnd(10)}${CATEGORIES.map((c) => String(row.scores[c]).padStart(16)).join('')}\n`,
      );
    }
    for (const row of rows) {
      if (row.flagged.length === 0) continue;
      process.stdout.write(
        `\n${row.page}, ${row.formFactor}:\n${row.flagged.map((f) => `  - ${f}`).join('\n')}\n`,
      );
    }
    process.stdout.write(`\nFull reports: ${path.relative(process.cwd(), outputDir)}/lighthouse-*.json\n`);
  } finally {
    chrome?.kill();
    await pressroom.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
