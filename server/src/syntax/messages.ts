// Human wording for the parser's problems: how a call is named in "expected ')' to close the call
// to mlp", and the chevrotain error message provider, so that even its generic recovery speaks
// of tokens as the user wrote them ("expected ')', found 'param'"), never of token type names.
import { EOF, tokenName, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { punctuation } from '../../../grammar/tokens.js';
import type { Expr } from './ast.js';

/** How a callee is named in a message: `mlp`, `net.layer`, `the expression`. */
export function calleeLabel(e: Expr): string {
  if (e.kind === 'Ident') return e.name;
  if (e.kind === 'Member') {
    const obj = calleeLabel(e.object);
    return obj === 'the expression' ? e.property.name : `${obj}.${e.property.name}`;
  }
  if (e.kind === 'Call') return `${calleeLabel(e.callee)}(...)`;
  return 'the expression';
}

export const levelStatementList = 'params, let, loss, optimizer, steps, hypergradient or proximal';
export const runStatementList = 'steps, seed, backend, log, eval, checkpoint, budget, precision or report';

const punctuationText = new Map(punctuation.map((p) => [p.name, p.text]));

/** A token type as the user would write it: `')'`, `'loss'`, `a name`. */
function describeType(t: TokenType): string {
  const name = tokenName(t);
  const text = punctuationText.get(name);
  if (text !== undefined) return `'${text}'`;
  if (name.startsWith('Kw_')) return `'${name.slice(3)}'`;
  if (t === EOF) return 'the end of the file';
  switch (name) {
    case 'Number':
      return 'a number';
    case 'String':
    case 'UnterminatedString':
      return 'a string';
    case 'Any':
      return 'a token';
    default:
      return 'a name';
  }
}

/** A token as found: `'loss'`, `a string`, `the end of the file`. */
function describeToken(t: IToken | undefined): string {
  if (!t || t.tokenType === EOF) return 'the end of the file';
  const name = tokenName(t.tokenType);
  if (name === 'String' || name === 'UnterminatedString') return 'a string';
  return `'${t.image.length > 24 ? `${t.image.slice(0, 24)}…` : t.image}'`;
}

export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${describeType(expected)}, found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describeToken(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual }) => `unexpected ${describeToken(actual[0])}`,
  buildEarlyExitMessage: ({ expectedIterationPaths, actual }) => {
    const first = expectedIterationPaths[0]?.[0];
    return `expected ${first ? describeType(first) : 'more'}, found ${describeToken(actual[0])}`;
  },
};
