// One uPlot chart per ChartSpec. The page owns zoom: a drag selects an x range for every chart
// (and pauses following), a double click returns to the whole run.
import uPlot from 'uplot';
import type { ChartSpec, Unit } from './chart-data.js';
import { formatBytes, formatCount, formatValue } from './format.js';
import type { Theme } from './theme.js';

const DASHES: number[][] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];

export function formatUnit(unit: Unit, v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'count') return formatCount(v);
  if (unit === 'ms') return `${formatValue(v)} ms`;
  return formatValue(v);
}

export interface ChartHandlers {
  /** The user selected an x range on this chart. */
  zoom(min: number, max: number): void;
  resetZoom(): void;
}

export class Chart {
  readonly element: HTMLElement;
  private plot: uPlot | undefined;
  private key = '';

  constructor(
    parent: HTMLElement,
    readonly id: ChartSpec['id'],
    private readonly handlers: ChartHandlers,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'chart';
    this.element.dataset.chart = id;
    parent.appendChild(this.element);
    this.element.addEventListener('dblclick', () => handlers.resetZoom());
  }

  /** Draw `spec`; rebuilds the plot only when its series or theme changed. */
  update(spec: ChartSpec, theme: Theme, width: number, xRange: [number, number] | undefined): void {
    const key = JSON.stringify([spec.series, spec.logScale, theme, width > 0]);
    const data = spec.data as uPlot.AlignedData;
    if (!this.plot || key !== this.key) {
      this.plot?.destroy();
      this.key = key;
      this.plot = new uPlot(this.options(spec, theme, width), data, this.element);
    } else {
      this.plot.setData(data, xRange === undefined);
    }
    if (xRange) this.plot.setScale('x', { min: xRange[0], max: xRange[1] });
    if (width > 0 && Math.abs(this.plot.width - width) > 1) this.plot.setSize({ width, height: 220 });
    this.element.dataset.points = String(spec.data[0]?.length ?? 0);
    this.element.dataset.series = String(spec.series.length);
  }

  /** The plotted canvas (axes and lines; title and legend are HTML) for PNG export. */
  canvas(): HTMLCanvasElement | undefined {
    return this.plot?.ctx.canvas;
  }

  destroy(): void {
    this.plot?.destroy();
    this.element.remove();
  }

  private options(spec: ChartSpec, theme: Theme, width: number): uPlot.Options {
    const fmt = (v: number | null) => formatUnit(spec.unit, v);
    const axis: uPlot.Axis = {
      stroke: theme.foreground,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      font: theme.font,
    };
    const few = (spec.data[0]?.length ?? 0) < 40;
    return {
      title: spec.title,
      width: Math.max(width, 200),
      height: 220,
      scales: { x: { time: false }, y: spec.logScale ? { distr: 3 } : {} },
      axes: [
        { ...axis, label: 'step', labelFont: theme.font },
        { ...axis, size: 70, values: (_u, vals) => vals.map((v) => fmt(v)) },
      ],
      series: [
        { label: 'step', value: (_u, v) => (v === null ? '–' : String(v)) },
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: theme.palette[s.color % theme.palette.length],
          width: s.estimate ? 1 : 1.5,
          dash: s.estimate ? [4, 4] : DASHES[s.dash % DASHES.length],
          spanGaps: true,
          points: { show: few && !s.estimate, size: 4 },
          value: (_u: uPlot, v: number | null) => fmt(v),
        })),
      ],
      cursor: { drag: { x: true, y: false, setScale: false }, sync: { key: 'mlo-steps' } },
      legend: { live: true },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const min = u.posToVal(u.select.left, 'x');
            const max = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            this.handlers.zoom(min, max);
          },
        ],
      },
    };
  }
}
