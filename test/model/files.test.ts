import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check } from '../../server/src/model/check.js';
import { readCsvTable } from '../../server/src/model/csv.js';
import type { FileSystem } from '../../server/src/model/file-system.js';

test('CSV facts: header, rows, label statistics', () => {
  const t = readCsvTable('a,b,label\r\n1,2,0\r\n3,4,2\r\n5,6,2\r\n\r\n');
  assert.deepEqual(t.columns, ['a', 'b', 'label']);
  assert.equal(t.rows, 3);
  assert.deepEqual(t.stats('label'), { numeric: true, labels: true, max: 2, distinct: 2 });
  assert.equal(t.stats('a')!.labels, true);
  const f = readCsvTable('x,label\n0.5,1\n2,x\n');
  assert.deepEqual(f.stats('x'), { numeric: true, labels: false, max: 2, distinct: 2, firstBadRow: 0 });
  assert.equal(f.stats('label')!.numeric, false);
  assert.equal(f.stats('nope'), undefined);
});

test('data files are read once while their stamp is unchanged', () => {
  let reads = 0;
  let stamp = 1;
  const files: Record<string, string> = { '/c/d.csv': 'a,label\n1,0\n2,1\n' };
  const fs: FileSystem = { readText: (p) => (reads++, files[p]), stamp: () => stamp };
  const text = 'data d = csv("d.csv")\ndata e = csv("d.csv", rows: 0..1)\n';
  const first = check(text, { path: '/c/cache-test.mlo', fs });
  assert.equal(reads, 1); // two sources, one file, one read
  assert.equal(first.model.data.get('d')!.rows, 2);
  check(text, { path: '/c/cache-test.mlo', fs });
  assert.equal(reads, 1);
  files['/c/d.csv'] = 'a,label\n1,0\n2,1\n3,2\n';
  stamp = 2;
  const third = check(text, { path: '/c/cache-test.mlo', fs });
  assert.equal(reads, 2);
  assert.equal(third.model.data.get('d')!.rows, 3);
  assert.equal(third.model.data.get('d')!.classes, 3);
});

test('without stamps the table is reused when the content is the same', () => {
  let parsesSeen = 0;
  const content = 'a,label\n1,0\n';
  const fs: FileSystem = { readText: () => (parsesSeen++, content) };
  const a = check('data d = csv("d.csv")', { path: '/n/x.mlo', fs }).model.data.get('d')!;
  const b = check('data d = csv("d.csv")', { path: '/n/x.mlo', fs }).model.data.get('d')!;
  assert.equal(parsesSeen, 2);
  assert.equal(a.rows, 1);
  assert.deepEqual(a.fields, b.fields);
});
