import { openServer } from '/work/main/store/src/clickhouse/server.ts';
import { openEmbedded } from '/work/main/store/src/clickhouse/embedded.ts';
import { sql } from '/work/main/store/src/clickhouse/sql.ts';
for (const ch of [await openServer({ url: 'http://127.0.0.1:18123', database: 'fwt' }), await openEmbedded({ path: '/tmp/chtest/d3', database: 'fwt' })]) {
  console.log(ch.kind, await ch.version());
  const s = "a'b\\c\0d\n\u{1F600}é\t\r\b\f\x01\x7f";
  const rows = await ch.query<{ x: string; n: number }>(sql`SELECT ${s} AS x, length(${s}) AS n, ${[1, 2]} AS arr, ${-5} - ${-3} AS d, ${1.5e-7} AS f`);
  console.log(rows, rows[0]!.x === s);
  await ch.exec(sql`CREATE TABLE IF NOT EXISTS ${ch.table('t')} (a String, ts DateTime) ENGINE = MergeTree ORDER BY a`);
  await ch.insert('t', [{ a: s, ts: 1795000000 }]);
  console.log(await ch.query(sql`SELECT a = ${s} AS eq, toUnixTimestamp(ts) AS t FROM ${ch.table('t')}`));
  await ch.close();
}
