// Model declarations → NetInfo: per-layer parameter shapes, total parameter counts, input and
// output widths of linear, mlp, conv (same padding, 2×2 average pooling after each conv
// layer, then a linear head) and mixture models.

import type { Call, ModelDecl } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import { formatShape, makeTensor, type LayerInfo, type NetInfo } from './info.js';
import { resolveKind, type OptionChecker } from './options.js';
import { modelKinds } from './specs.js';

export function checkModel(ctx: CheckContext, options: OptionChecker, d: ModelDecl): NetInfo | undefined {
  if (d.spec.kind !== 'Call') return undefined;
  return buildNet(ctx, options, d.name.name, d.spec, d.range);
}

function dense(model: string, index: number, fanIn: number, fanOut: number, bias: boolean): LayerInfo {
  const p = `${model}.layer(${index})`;
  return {
    index, kind: 'dense',
    weight: makeTensor(`${p}.weight`, [fanIn, fanOut], model),
    ...(bias ? { bias: makeTensor(`${p}.bias`, [fanOut], model) } : {}),
  };
}

function finish(name: string, kind: NetInfo['kind'], inWidth: number, outWidth: number, layers: LayerInfo[], declRange: NetInfo['declRange'], extra: Partial<NetInfo> = {}): NetInfo {
  const tensors = layers.flatMap((l) => (l.bias ? [l.weight, l.bias] : [l.weight]));
  const count = tensors.reduce((s, t) => s + (t.count ?? 0), 0);
  return { name, kind, inWidth, outWidth, layers, tensors, count, declRange, ...extra };
}

/** Builds the net of a model spec; `name` prefixes its tensors (a mixture's candidates share it). */
export function buildNet(ctx: CheckContext, options: OptionChecker, name: string, spec: Call, declRange: NetInfo['declRange'], firstLayer = 1): NetInfo | undefined {
  if (spec.callee.kind !== 'Ident') return undefined;
  const kind = resolveKind(ctx, modelKinds, spec.callee);
  if (!kind) return undefined;
  const { values, rest } = options.check(spec, kind, modelKinds);
  const biasV = values.get('bias')?.value;
  const bias = biasV?.t === 'flag' ? biasV.value : true;
  switch (kind.name) {
    case 'linear':
    case 'mlp': {
      const w = values.get('widths')?.value;
      if (w?.t !== 'chain') return undefined;
      if (kind.name === 'linear' && w.value.length !== 2) {
        ctx.report('MLO053', values.get('widths')!.arg.range, { name: 'widths', expected: 'IN -> OUT (a linear model has one layer)', actual: `${w.value.length - 1} layers` });
        return undefined;
      }
      const layers: LayerInfo[] = [];
      for (let i = 1; i < w.value.length; i++) layers.push(dense(name, firstLayer + i - 1, w.value[i - 1]!, w.value[i]!, bias));
      return finish(name, kind.name, w.value[0]!, w.value[w.value.length - 1]!, layers, declRange);
    }
    case 'conv': {
      const img = values.get('image')?.value;
      const ch = values.get('channels')?.value;
      const classes = values.get('classes')?.value;
      const kV = values.get('kernel')?.value;
      const k = kV?.t === 'number' ? kV.value : 3;
      if (img?.t !== 'list' || ch?.t !== 'chain' || classes?.t !== 'number') return undefined;
      if (img.value.length !== 3) {
        ctx.report('MLO053', values.get('image')!.arg.range, { name: 'image', expected: 'a shape [C, H, W]', actual: formatShape(img.value) });
        return undefined;
      }
      const [C, H0, W0] = img.value as [number, number, number];
      let h = H0, w = W0, prev = C;
      const layers: LayerInfo[] = [];
      for (let i = 0; i < ch.value.length; i++) {
        const out = ch.value[i]!;
        const p = `${name}.layer(${firstLayer + i})`;
        layers.push({ index: firstLayer + i, kind: 'conv', weight: makeTensor(`${p}.weight`, [out, prev, k, k], name), bias: makeTensor(`${p}.bias`, [out], name) });
        prev = out;
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
        if (h < 1 || w < 1) {
          ctx.report('MLO054', values.get('channels')!.arg.range, { name: 'channels', constraint: `at most ${i} layers for an image ${formatShape(img.value)} (each pools 2×2)`, value: `${ch.value.length} layers` });
          return undefined;
        }
      }
      layers.push(dense(name, firstLayer + ch.value.length, prev * h * w, classes.value, true));
      return finish(name, 'conv', C * H0 * W0, classes.value, layers, declRange, { image: [C, H0, W0] });
    }
    case 'mixture': {
      const candidates: NetInfo[] = [];
      let next = firstLayer;
      let ok = true;
      for (const a of rest) {
        if (a.value.kind !== 'Call') {
          ctx.report('MLO014', a.value.range, { name: ctx.textOf(a.value.range), actual: 'not a model written inline', expected: 'a candidate such as linear(64 -> 10)' });
          ok = false;
          continue;
        }
        const c = buildNet(ctx, options, name, a.value, declRange, next);
        if (!c) {
          ok = false;
          continue;
        }
        next += c.layers.length;
        candidates.push(c);
      }
      if (!ok) return undefined;
      if (candidates.length === 0) {
        ctx.report('MLO016', spec.range, { callee: 'mixture', expected: 'at least one candidate model', actual: 'none' });
        return undefined;
      }
      const first = candidates[0]!;
      for (let i = 1; i < candidates.length; i++) {
        const c = candidates[i]!;
        if (c.inWidth !== first.inWidth || c.outWidth !== first.outWidth) {
          ctx.report('MLO047', rest[i]!.range, { problem: `candidate ${i + 1} maps ${c.inWidth} -> ${c.outWidth}, candidate 1 maps ${first.inWidth} -> ${first.outWidth}` });
          return undefined;
        }
      }
      const arch = values.get('arch')?.value;
      if (arch?.t === 'name') {
        const p = ctx.params.get(arch.value);
        if (p && !(p.shape.length === 1 && (p.shape[0] === candidates.length || p.shape[0] === null))) {
          ctx.report('MLO047', arch.node.range, { problem: `arch '${arch.value}' has shape ${formatShape(p.shape)}; ${candidates.length} candidates need [${candidates.length}]` });
        }
      }
      return finish(name, 'mixture', first.inWidth, first.outWidth, candidates.flatMap((c) => c.layers), declRange, {
        candidates,
        ...(arch?.t === 'name' ? { arch: arch.value } : {}),
      });
    }
  }
  return undefined;
}
