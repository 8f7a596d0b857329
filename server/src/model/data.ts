// Data declarations → DataInfo: checks the source's options, reads a CSV file's header, rows
// and classes (through the cached file system), and gives every field its concrete shape.

import type { DataDecl } from '../syntax/ast.js';
import { suggestionSuffix } from './diagnostics.js';
import type { CheckContext } from './context.js';
import type { DataInfo, Dim, FieldInfo } from './info.js';
import { resolveKind, type OptionChecker, type OptValue } from './options.js';
import { didYouMean } from './similar.js';
import { dataSources } from './specs.js';

const t = (shape: Dim[], int = false, bound?: Dim): FieldInfo => ({ kind: 'tensor', shape, int, ...(bound !== undefined ? { bound } : {}) });
const constant = (value: Dim): FieldInfo => (value === null ? { kind: 'tensor', shape: [], int: true, constant: true } : { kind: 'tensor', shape: [], int: true, constant: true, value });

function num(v: OptValue | undefined, dflt: number): number {
  return v && v.t === 'number' ? v.value : dflt;
}

/** The classification fields of a row source: x [B, F], y [B], index [B], n. */
function rowFields(rows: Dim, batch: Dim, features: Dim, classes: Dim): Record<string, FieldInfo> {
  return { x: t([batch, features]), y: t([batch], true, classes), index: t([batch], true, rows), n: constant(rows) };
}

export function checkData(ctx: CheckContext, options: OptionChecker, d: DataDecl): DataInfo | undefined {
  const src = d.source;
  if (src.kind !== 'Call' || src.callee.kind !== 'Ident') return undefined;
  const spec = resolveKind(ctx, dataSources, src.callee);
  if (!spec) return undefined;
  const { values } = options.check(src, spec, dataSources);
  const base = { name: d.name.name, declRange: d.range };
  switch (spec.name) {
    case 'sinusoid': {
      const S = num(values.get('support')?.value, 10);
      const Q = num(values.get('query')?.value, 10);
      const tasks = num(values.get('tasks')?.value, 4);
      return {
        ...base, source: 'sinusoid', tasks,
        fields: {
          support: { kind: 'fields', fields: { x: t([S, 1]), y: t([S, 1]) } },
          query: { kind: 'fields', fields: { x: t([Q, 1]), y: t([Q, 1]) } },
        },
      };
    }
    case 'ridge': {
      const F = num(values.get('features')?.value, 10);
      const tr = num(values.get('train')?.value, 80);
      const va = num(values.get('valid')?.value, 40);
      return {
        ...base, source: 'ridge', features: F,
        fields: {
          train: { kind: 'fields', fields: { x: t([tr, F]), y: t([tr, 1]) } },
          valid: { kind: 'fields', fields: { x: t([va, F]), y: t([va, 1]) } },
        },
      };
    }
    case 'blobs': {
      const n = num(values.get('n')?.value, 300);
      const F = num(values.get('features')?.value, 2);
      const C = num(values.get('classes')?.value, 3);
      const B = checkBatch(ctx, values, n);
      return { ...base, source: 'blobs', rows: n, batch: B, features: F, classes: C, fields: rowFields(n, B, F, C) };
    }
    default:
      return checkCsv(ctx, values, base);
  }
}

function checkBatch(ctx: CheckContext, values: Map<string, { value: OptValue; arg: { range: { start: number; end: number } } }>, rows: Dim): Dim {
  const b = values.get('batch');
  if (!b || b.value.t !== 'number') return rows;
  if (rows !== null && b.value.value > rows) {
    ctx.report('MLO054', b.arg.range, { name: 'batch', constraint: `at most the ${rows} rows`, value: b.value.value });
    return rows;
  }
  return b.value.value;
}

/** Whether a column named in the program is in the file; reported (with a suggestion) when not. */
function checkColumn(ctx: CheckContext, columns: string[], fileName: string, name: string, node: { range: { start: number; end: number } }): boolean {
  if (columns.includes(name)) return true;
  const s = didYouMean(name, columns);
  ctx.report('MLO071', node.range, { file: fileName, name, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
  return false;
}

function checkCsv(
  ctx: CheckContext,
  values: Map<string, { value: OptValue; arg: { range: { start: number; end: number } } }>,
  base: { name: string; declRange: DataInfo['declRange'] },
): DataInfo {
  const pathV = values.get('path')?.value;
  const labelV = values.get('label')?.value;
  const featV = values.get('features')?.value;
  const rowsV = values.get('rows')?.value;
  const classesV = values.get('classes')?.value;
  const labelName = labelV?.t === 'string' ? labelV.value : 'label';
  let rows: Dim = null;
  let features: Dim = featV?.t === 'columns' ? featV.value.length : null;
  let classes: Dim = classesV?.t === 'number' ? classesV.value : null;
  let file: DataInfo['file'];
  if (pathV?.t === 'string') {
    const resolved = ctx.resolvePath(pathV.value);
    const table = ctx.csv(resolved);
    file = { path: pathV.value, resolved };
    if (!table) {
      ctx.report('MLO070', pathV.node.range, { path: pathV.value, resolved });
    } else {
      file.columns = table.columns;
      file.fileRows = table.rows;
      const fileName = pathV.value;
      let labelOk = labelV?.t === 'string' ? checkColumn(ctx, table.columns, fileName, labelName, labelV.node) : table.columns.includes(labelName);
      if (!labelV && !labelOk) {
        // The default label column is missing: say so at the path.
        const s = didYouMean('label', table.columns);
        ctx.report('MLO071', pathV.node.range, { file: fileName, name: 'label', suggestion: s ? suggestionSuffix(s) : '; name the class column with label: COLUMN' }, s ? { data: { replacement: s } } : {});
      }
      if (featV?.t === 'columns') {
        for (const f of featV.value) checkColumn(ctx, table.columns, fileName, f.name, f.node);
      } else {
        features = table.columns.length - (labelOk ? 1 : 0);
      }
      if (labelOk) {
        const st = table.stats(labelName)!;
        if (!st.labels) {
          const what = st.numeric ? 'values that are not whole numbers ≥ 0' : 'values that are not numbers';
          ctx.report('MLO073', labelV?.t === 'string' ? labelV.node.range : pathV.node.range, { name: labelName, file: fileName, what: `${what} (row ${st.firstBadRow})` });
          labelOk = false;
        } else if (classes === null) classes = st.max + 1;
      }
      rows = table.rows;
      if (rowsV?.t === 'rows') {
        const n = table.rows;
        // Percentages arrive as fractions (the parser applied the unit).
        const from = rowsV.percent ? Math.round(n * rowsV.from) : rowsV.from;
        const to = rowsV.percent ? Math.round(n * rowsV.to) : rowsV.to;
        if (!(from < to) || to > n) {
          ctx.report('MLO072', rowsV.node.range, { range: ctx.textOf(rowsV.node.range), file: fileName, rows: n });
        } else rows = to - from;
      }
    }
  }
  if (rowsV?.t === 'rows' && rows === null && !rowsV.percent && rowsV.from < rowsV.to) rows = rowsV.to - rowsV.from;
  if (rowsV?.t === 'rows' && !(rowsV.from < rowsV.to) && !file?.columns) {
    ctx.report('MLO072', rowsV.node.range, { range: ctx.textOf(rowsV.node.range), file: file?.path ?? '?', rows: '?' });
  }
  const stdV = values.get('standardize')?.value;
  if (stdV?.t === 'name') {
    const other = ctx.symbols.globals.get(stdV.value);
    const otherSrc = other?.decl?.kind === 'Data' && other.decl.source.kind === 'Call' && other.decl.source.callee.kind === 'Ident' ? other.decl.source.callee.name : undefined;
    if (otherSrc !== undefined && otherSrc !== 'csv') {
      ctx.report('MLO014', stdV.node.range, { name: stdV.value, actual: `${otherSrc} data`, expected: 'csv data to take statistics from' });
    }
  }
  const B = checkBatch(ctx, values, rows);
  // Built field by field (same key order as a spread): the spreads of a conditional `{ file }`
  // took V8's slow path, a few microseconds per data declaration.
  const info: DataInfo = { name: base.name, declRange: base.declRange, source: 'csv', rows, batch: B, features, classes, fields: rowFields(rows, B, features, classes) };
  if (file) info.file = file;
  return info;
}
