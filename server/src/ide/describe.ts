// Small renderers shared by hovers, inlay hints, completion details and code lenses.
import { formatShape, type FieldInfo, type LevelInfo, type NetInfo, type TensorInfo } from '../model/info.js';

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return i === 0 ? `${v} B` : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}

/** 1234567 → "1,234,567"; null → "?". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '?';
  return n.toLocaleString('en-US');
}

export function plural(n: number | null, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function tensorLine(t: TensorInfo): string {
  return `\`${t.name}\` ${formatShape(t.shape)}`;
}

/** A model's layers as a Markdown table, and its totals. */
export function netTable(net: NetInfo): string {
  const rows = net.layers.map((l) => {
    const count = (l.weight.count ?? 0) + (l.bias?.count ?? 0);
    return `| ${l.index} | ${l.kind} | ${formatShape(l.weight.shape)} | ${l.bias ? formatShape(l.bias.shape) : '—'} | ${formatCount(count)} |`;
  });
  return ['| layer | kind | weight | bias | params |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function netSummary(net: NetInfo): string {
  return `${plural(net.count, 'parameter')} (${formatBytes(net.count * 4)}), ${net.layers.length} layer${net.layers.length === 1 ? '' : 's'}, [B, ${net.inWidth}] → [B, ${net.outWidth}]`;
}

/** `x [64, 30]`, `support.x [10, 1]`, ... for every tensor field, nested fields flattened. */
export function fieldLines(fields: Record<string, FieldInfo>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, f] of Object.entries(fields)) {
    if (f.kind === 'fields') out.push(...fieldLines(f.fields, `${prefix}${name}.`));
    else out.push(`\`${prefix}${name}\` ${f.constant ? `= ${f.value ?? '?'} (a constant)` : `${formatShape(f.shape)}${f.int ? ' (integer)' : ''}`}`);
  }
  return out;
}

export function modeText(l: LevelInfo): string {
  const opts = Object.entries(l.mode.options).map(([k, v]) => `${k}: ${v}`).join(', ');
  return `${l.mode.name}${opts ? `(${opts})` : ''}${l.mode.explicit ? '' : ' (default)'}`;
}

export function optimizerText(l: LevelInfo): string {
  const consts = Object.entries(l.optimizer.constants).map(([k, v]) => `${k}: ${v}`);
  const learned = l.optimizer.learned.map((k) => `${k}: learned`);
  return `${l.optimizer.name}(${[...consts, ...learned].join(', ')})`;
}
