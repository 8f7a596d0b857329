// Models of a program as graph builders: linear, mlp, conv (same padding, 2×2 average pooling
// after each conv layer, a linear head) and mixture (Σ softmax(arch)_i · candidate_i). The
// tensors are the checker's (`net.layer(i).weight`, ...), read through a resolver, so the same
// model can be applied to a level's own iterate, to an alias of another level's value, or to
// its `init(...)` copy.
import type { Call, Program } from '../../syntax/ast.js';
import type { LayerInfo, NetInfo } from '../../model/info.js';
import * as fn from '../composites.js';
import * as op from '../ops.js';
import type { Value } from '../trace.js';
import { activate, type Activation } from '../nn/models.js';
import { LoweringError, nameArg, positional } from './args.js';

export type TensorReader = (tensorName: string) => Value;

export interface NetModel {
  readonly info: NetInfo;
  /** x [B, IN] → [B, OUT] (the `[B]` lifting rule is the caller's). */
  apply(x: Value, read: TensorReader): Value;
}

const ACTS: Record<string, Activation> = { relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid', softplus: 'softplus', elu: 'elu', none: 'identity' };

function activation(name: string | undefined, dflt: Activation): Activation {
  if (name === undefined) return dflt;
  const a = ACTS[name];
  if (!a) throw new LoweringError(`unknown activation ${name}`);
  return a;
}

function dense(x: Value, l: LayerInfo, read: TensorReader): Value {
  const y = op.matmul(x, read(l.weight.name));
  return l.bias ? op.add(y, read(l.bias.name)) : y;
}

function output(y: Value, out: string | undefined): Value {
  if (out === undefined || out === 'none') return y;
  if (out === 'softmax') return fn.softmax(y);
  return activate(y, activation(out, 'identity'));
}

function denseNet(info: NetInfo, spec: Call, defaultAct: Activation): NetModel['apply'] {
  const act = activation(nameArg(spec, 'act'), defaultAct);
  const out = nameArg(spec, 'out');
  return (x, read) => {
    let h = x;
    info.layers.forEach((l, i) => {
      h = dense(h, l, read);
      if (i < info.layers.length - 1) h = activate(h, act);
    });
    return output(h, out);
  };
}

function convNet(info: NetInfo, spec: Call): NetModel['apply'] {
  const act = activation(nameArg(spec, 'act'), 'relu');
  const [C, H, W] = info.image!;
  return (x, read) => {
    let h = op.reshape(x, [x.shape[0]!, C, H, W]);
    for (const l of info.layers) {
      if (l.kind !== 'conv') continue;
      const [, , kh, kw] = l.weight.shape as number[];
      const [hh, ww] = [h.shape[2]!, h.shape[3]!];
      let y = op.conv2d(h, read(l.weight.name), { padding: Math.floor(kh! / 2) });
      // Even kernels pad one more row/column than "same" needs: crop back to the input size.
      if (y.shape[2] !== hh || y.shape[3] !== ww || kw !== kh) y = op.slice(y, [0, 0], [hh, ww], [2, 3]);
      if (l.bias) y = op.add(y, op.reshape(read(l.bias.name), [1, l.weight.shape[0] as number, 1, 1]));
      y = activate(y, act);
      const [ph, pw] = [Math.floor(hh / 2) * 2, Math.floor(ww / 2) * 2];
      if (ph !== hh || pw !== ww) y = op.slice(y, [0, 0], [ph, pw], [2, 3]);
      h = fn.avgPool2d(y, 2);
    }
    const head = info.layers[info.layers.length - 1]!;
    return dense(fn.flatten(h), head, read);
  };
}

/** Builds the appliers of every model declared in the program. */
export function netModels(program: Program, nets: ReadonlyMap<string, NetInfo>): Map<string, NetModel> {
  const out = new Map<string, NetModel>();
  for (const d of program.decls) {
    if (d.kind !== 'Model' || d.spec.kind !== 'Call') continue;
    const info = nets.get(d.name.name);
    if (!info) continue;
    out.set(info.name, { info, apply: applier(info, d.spec) });
  }
  return out;
}

function applier(info: NetInfo, spec: Call): NetModel['apply'] {
  switch (info.kind) {
    case 'linear':
      return denseNet(info, spec, 'identity');
    case 'mlp':
      return denseNet(info, spec, 'relu');
    case 'conv':
      return convNet(info, spec);
    case 'mixture': {
      const calls = positional(spec).map((a) => a.value).filter((v): v is Call => v.kind === 'Call');
      const cands = (info.candidates ?? []).map((c, i) => applier(c, calls[i]!));
      const arch = info.arch;
      if (!arch) throw new LoweringError(`mixture ${info.name} has no arch param`);
      return (x, read) => {
        const w = fn.softmax(read(arch));
        return cands.map((a, i) => op.mul(a(x, read), op.reshape(op.slice(w, [i], [i + 1]), []))).reduce((s, y) => op.add(s, y));
      };
    }
  }
}
