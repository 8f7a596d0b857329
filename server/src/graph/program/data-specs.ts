// Data declarations as plain specifications: what to load and how to batch it, read from the
// checked tree. No data is read here (the engine's pipelines do that); shapes come from the
// checker's DataInfo, so a shape-only lowering needs no file.
import type { Call, DataDecl, Program } from '../../syntax/ast.js';
import type { DataInfo } from '../../model/info.js';
import { argOf, flagOf, LoweringError, nameArg, numberArg, rangeArg, rowsArg, stringPositional } from './args.js';

interface Base {
  readonly name: string;
}

export interface CsvSpec extends Base {
  readonly kind: 'csv';
  /** Absolute path (the checker resolved it relative to the .mlo file). */
  readonly path: string;
  readonly label: string;
  readonly features?: readonly string[];
  /** Seed of the row permutation applied before `rows`. */
  readonly permute?: number;
  /** [start, end) after the permutation; absent: all rows. */
  readonly rows?: readonly [number, number];
  /** true: these rows' statistics; a name: that csv source's. */
  readonly standardize?: true | string;
  readonly batch?: number;
  readonly shuffle: boolean;
  readonly corrupt: number;
  readonly classes?: number;
  /** Rows of this source. */
  readonly n: number;
}

export interface BlobsSpec extends Base {
  readonly kind: 'blobs';
  readonly n: number;
  readonly features: number;
  readonly classes: number;
  readonly spread: number;
  readonly batch?: number;
  readonly shuffle: boolean;
  readonly corrupt: number;
}

export interface RidgeSpec extends Base {
  readonly kind: 'ridge';
  readonly train: number;
  readonly valid: number;
  readonly features: number;
  readonly noise: number;
}

export interface SinusoidSpec extends Base {
  readonly kind: 'sinusoid';
  readonly amplitude: readonly [number, number];
  readonly phase: readonly [number, number];
  readonly x: readonly [number, number];
  readonly support: number;
  readonly query: number;
  readonly tasks: number;
}

export type DataSpec = CsvSpec | BlobsSpec | RidgeSpec | SinusoidSpec;

/** Rows a row source yields per draw (its batch, or all its rows). */
export function rowsPerDraw(d: DataSpec): number | undefined {
  return d.kind === 'csv' || d.kind === 'blobs' ? (d.batch ?? d.n) : undefined;
}

export function dataSpecs(program: Program, infos: ReadonlyMap<string, DataInfo>): DataSpec[] {
  const out: DataSpec[] = [];
  for (const d of program.decls) {
    if (d.kind !== 'Data' || d.source.kind !== 'Call') continue;
    const info = infos.get(d.name.name);
    if (!info) continue;
    out.push(specOf(d, d.source, info));
  }
  return out;
}

function specOf(d: DataDecl, c: Call, info: DataInfo): DataSpec {
  const name = d.name.name;
  const batchE = argOf(c, 'batch');
  const batch = batchE ? numberArg(c, 'batch', 0) : undefined;
  switch (info.source) {
    case 'sinusoid':
      return {
        kind: 'sinusoid', name,
        amplitude: rangeArg(c, 'amplitude', [0.1, 5]), phase: rangeArg(c, 'phase', [0, Math.PI]), x: rangeArg(c, 'x', [-5, 5]),
        support: numberArg(c, 'support', 10), query: numberArg(c, 'query', 10), tasks: numberArg(c, 'tasks', 4),
      };
    case 'ridge':
      return { kind: 'ridge', name, train: numberArg(c, 'train', 80), valid: numberArg(c, 'valid', 40), features: numberArg(c, 'features', 10), noise: numberArg(c, 'noise', 0.1) };
    case 'blobs':
      return {
        kind: 'blobs', name, n: numberArg(c, 'n', 300), features: numberArg(c, 'features', 2), classes: numberArg(c, 'classes', 3),
        spread: numberArg(c, 'spread', 1), ...(batch ? { batch } : {}), shuffle: flagOf(c, 'shuffle'), corrupt: numberArg(c, 'corrupt', 0),
      };
    case 'csv': {
      const path = info.file?.resolved ?? stringPositional(c, 0) ?? nameArg(c, 'path');
      if (!path) throw new LoweringError(`data ${name}: no path`);
      const fileRows = info.file?.fileRows;
      const rowsE = argOf(c, 'rows');
      const rows = rowsE && fileRows !== undefined ? rowsArg(c, fileRows) : rowsE ? rowsArg(c, Number.MAX_SAFE_INTEGER) : undefined;
      const n = info.rows ?? (rows ? rows[1] - rows[0] : fileRows);
      if (n === null || n === undefined) throw new LoweringError(`data ${name}: the number of rows is unknown (is ${path} readable?)`);
      const featE = argOf(c, 'features');
      const features = featE?.kind === 'List' ? featE.items.map((i) => (i.kind === 'Ident' ? i.name : i.kind === 'String' ? i.value : '')) : undefined;
      const stdE = argOf(c, 'standardize');
      const standardize: true | string | undefined = stdE ? (stdE.kind === 'Ident' && stdE.name !== 'true' ? stdE.name : true) : flagOf(c, 'standardize') ? true : undefined;
      const permuteE = argOf(c, 'permute');
      const classes = argOf(c, 'classes') ? numberArg(c, 'classes', 0) : (info.classes ?? undefined);
      return {
        kind: 'csv', name, path, label: nameArg(c, 'label') ?? 'label',
        ...(features ? { features } : {}), ...(permuteE ? { permute: numberArg(c, 'permute', 0) } : {}), ...(rows ? { rows } : {}),
        ...(standardize !== undefined ? { standardize } : {}), ...(batch ? { batch } : {}), shuffle: flagOf(c, 'shuffle'),
        corrupt: numberArg(c, 'corrupt', 0), ...(classes ? { classes } : {}), n,
      };
    }
  }
}
