// The chart image for export: every chart's canvas stacked under its title, with a legend
// drawn beside each (uPlot's legend is HTML and would otherwise be missing from the image).
import type { ChartSpec } from './chart-data.js';
import type { Theme } from './theme.js';

export function composePng(charts: { spec: ChartSpec; canvas: HTMLCanvasElement }[], theme: Theme, title: string): string {
  const ratio = charts[0] ? charts[0].canvas.width / Math.max(1, charts[0].canvas.clientWidth || charts[0].canvas.width) : 1;
  const pad = Math.round(10 * ratio);
  const line = Math.round(16 * ratio);
  const width = Math.max(400 * ratio, ...charts.map((c) => c.canvas.width)) + 2 * pad;
  const blockHeight = (c: { spec: ChartSpec; canvas: HTMLCanvasElement }) => line + c.canvas.height + line * Math.ceil(c.spec.series.length / 3) + pad;
  const height = line * 2 + charts.reduce((h, c) => h + blockHeight(c), 0) + pad;
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = theme.foreground;
  ctx.textBaseline = 'top';
  ctx.font = `bold ${Math.round(14 * ratio)}px sans-serif`;
  ctx.fillText(title, pad, pad);
  let y = line * 2;
  for (const c of charts) {
    ctx.font = `bold ${Math.round(12 * ratio)}px sans-serif`;
    ctx.fillStyle = theme.foreground;
    ctx.fillText(c.spec.title, pad, y);
    y += line;
    ctx.drawImage(c.canvas, pad, y);
    y += c.canvas.height;
    ctx.font = `${Math.round(11 * ratio)}px sans-serif`;
    const colWidth = (width - 2 * pad) / 3;
    c.spec.series.forEach((s, i) => {
      const x = pad + (i % 3) * colWidth;
      const ly = y + Math.floor(i / 3) * line + Math.round(3 * ratio);
      ctx.fillStyle = theme.palette[s.color % theme.palette.length];
      ctx.fillRect(x, ly + Math.round(4 * ratio), Math.round(14 * ratio), Math.round(3 * ratio));
      ctx.fillStyle = theme.foreground;
      ctx.fillText(s.label, x + Math.round(20 * ratio), ly);
    });
    y += line * Math.ceil(c.spec.series.length / 3) + pad;
  }
  return out.toDataURL('image/png');
}
