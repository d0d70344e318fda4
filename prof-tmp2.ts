import SqliteDatabase from 'better-sqlite3';
import pino from 'pino';
import { parseConfig } from './src/config.js';
import { createWiring } from './src/wiring.js';
import { importWordPress } from './src/services/import/wordpress.js';
const stats = new Map<string, { n: number; ms: number }>();
const probe = new SqliteDatabase(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('select 1'));
for (const m of ['run', 'all', 'get']) {
  const orig = proto[m];
  proto[m] = function (this: { source: string }, ...args: unknown[]) {
    const t = process.hrtime.bigint();
    try { return orig.apply(this, args); } finally {
      const s = stats.get(this.source) ?? { n: 0, ms: 0 };
      s.n++; s.ms += Number(process.hrtime.bigint() - t) / 1e6; stats.set(this.source, s);
    }
  };
}
const [file, db] = process.argv.slice(2) as [string, string];
const config = parseConfig({ database: { url: `sqlite:${db}` }, data: { dir: '/tmp/prof-data' }, log: { level: 'silent' } });
const wiring = await createWiring({ config, log: pino({ level: 'silent' }), shouldShareChanges: false });
const cpu0 = process.cpuUsage();
await importWordPress(wiring, file);
const cpu = process.cpuUsage(cpu0);
console.log('cpu s', (cpu.user + cpu.system) / 1e6);
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
let total = 0; for (const [, s] of stats) total += s.ms;
console.log('sql total ms', Math.round(total), 'statements', [...stats.values()].reduce((n, s) => n + s.n, 0));
for (const [sql, s] of rows) console.log(Math.round(s.ms), s.n, sql.slice(0, 110).replace(/\s+/g, ' '));
await wiring.close();
