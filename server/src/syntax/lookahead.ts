// The lookahead strategy of the parser: LL(1) on the next token, with the gates deciding the rest.
//
// Chevrotain's default (LLkLookaheadStrategy) picks an alternative by the token sequences it can
// start with. The .mlo grammar also has alternatives that may consume nothing — "report the
// missing ')' and go on as if it were there", "expected an expression" — and those must be
// chosen by their gate whatever the next token is, the end of the file included. Here an
// alternative (or the body of a MANY/OPTION) that can match the empty input matches any token;
// every other one must start with the next token. Alternatives are tried in the order written.
import {
  Alternation,
  Alternative,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Rule,
  Terminal,
  type ILookaheadStrategy,
  type ILookaheadValidationError,
  type IOrAlt,
  type IProduction,
  type IToken,
  type OptionalProductionType,
  type TokenType,
} from 'chevrotain';

/** What a production can start with: `any` when it can match the empty input. */
interface Start {
  nullable: boolean;
  first: Set<TokenType>;
}

const optionalClasses: Record<OptionalProductionType, abstract new (...args: never[]) => IProduction> = {
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
};

/** The parser as the lookahead functions see it (`this`): only LA is needed. */
interface Lookahead {
  LA(k: number): IToken;
}

export class GatedLL1Lookahead implements ILookaheadStrategy {
  private readonly ruleStarts = new Map<Rule, Start>();

  validate(): ILookaheadValidationError[] {
    return [];
  }

  buildLookaheadForAlternation(options: { prodOccurrence: number; rule: Rule; hasPredicates: boolean }): (orAlts?: IOrAlt<unknown>[]) => number | undefined {
    const alternation = findProduction(options.rule.definition, Alternation, options.prodOccurrence);
    if (!alternation) throw new Error(`no OR${options.prodOccurrence} in rule ${options.rule.name}`);
    const alts = alternation.definition.map((alt) => this.start((alt as Alternative).definition));
    if (!options.hasPredicates) {
      // No gates: one table from the next token to the alternative (the first that takes it).
      const fallback = alts.findIndex((a) => a.nullable);
      const choice: number[] = [];
      alts.forEach((a, k) => {
        acceptTable(a.first).forEach((yes, t) => {
          if (yes && choice[t] === undefined) choice[t] = k;
        });
      });
      return function (this: Lookahead): number | undefined {
        const k = choice[this.LA(1).tokenTypeIdx];
        if (k !== undefined && (fallback < 0 || k < fallback)) return k;
        return fallback < 0 ? undefined : fallback;
      };
    }
    const anyToken = alts.map((a) => a.nullable);
    const accepts = alts.map((a) => acceptTable(a.first));
    const n = alts.length;
    return function (this: Lookahead, orAlts?: IOrAlt<unknown>[]): number | undefined {
      const t = this.LA(1).tokenTypeIdx;
      for (let k = 0; k < n; k++) {
        if (!anyToken[k] && accepts[k]![t] !== true) continue;
        const gate = orAlts![k]!.GATE;
        if (gate === undefined || gate.call(this)) return k;
      }
      return undefined;
    };
  }

  buildLookaheadForOptional(options: { prodOccurrence: number; prodType: OptionalProductionType; rule: Rule }): () => boolean {
    const prod = findProduction(options.rule.definition, optionalClasses[options.prodType], options.prodOccurrence) as
      | { definition: IProduction[] }
      | undefined;
    if (!prod) throw new Error(`no ${options.prodType}${options.prodOccurrence} in rule ${options.rule.name}`);
    const body = this.start(prod.definition);
    if (body.nullable) return () => true;
    const accepts = acceptTable(body.first);
    return function (this: Lookahead): boolean {
      return accepts[this.LA(1).tokenTypeIdx] === true;
    };
  }

  /** FIRST set and nullability of a sequence of productions. */
  private start(seq: readonly IProduction[]): Start {
    const first = new Set<TokenType>();
    for (const p of seq) {
      const s = this.startOf(p);
      for (const t of s.first) first.add(t);
      if (!s.nullable) return { nullable: false, first };
    }
    return { nullable: true, first };
  }

  private startOf(p: IProduction): Start {
    if (p instanceof Terminal) return { nullable: false, first: new Set([p.terminalType]) };
    if (p instanceof NonTerminal) return this.ruleStart(p.referencedRule);
    if (p instanceof Alternation) {
      const first = new Set<TokenType>();
      let nullable = false;
      for (const alt of p.definition) {
        const s = this.start((alt as Alternative).definition);
        for (const t of s.first) first.add(t);
        nullable ||= s.nullable;
      }
      return { nullable, first };
    }
    const inner = this.start((p as unknown as { definition: IProduction[] }).definition);
    const optional = p instanceof Option || p instanceof Repetition || p instanceof RepetitionWithSeparator;
    return { nullable: optional || inner.nullable, first: inner.first };
  }

  private ruleStart(rule: Rule): Start {
    const known = this.ruleStarts.get(rule);
    if (known) return known;
    // A placeholder while the rule is computed: the grammar has no left recursion, so a rule
    // met again before its first token contributes nothing new.
    const s: Start = { nullable: false, first: new Set() };
    this.ruleStarts.set(rule, s);
    const computed = this.start(rule.definition);
    s.nullable = computed.nullable;
    for (const t of computed.first) s.first.add(t);
    return s;
  }
}

/** A table by token type index: true for each token type that matches one of `types` (categories included). */
function acceptTable(types: Set<TokenType>): boolean[] {
  const table: boolean[] = [];
  for (const t of types) {
    table[t.tokenTypeIdx!] = true;
    for (const idx of t.categoryMatches ?? []) table[idx] = true;
  }
  return table;
}

/** The production of a class with the given occurrence index in a rule, not looking into other rules. */
function findProduction<T extends IProduction>(
  seq: readonly IProduction[],
  cls: abstract new (...args: never[]) => T,
  idx: number,
): T | undefined {
  for (const p of seq) {
    if (p instanceof cls && (p as unknown as { idx: number }).idx === idx) return p;
    if (p instanceof NonTerminal || p instanceof Terminal) continue;
    const found = findProduction((p as unknown as { definition: IProduction[] }).definition, cls, idx);
    if (found) return found;
  }
  return undefined;
}
