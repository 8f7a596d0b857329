// Builds the TextMate grammar (mlo.tmLanguage.json, scope `source.mlo`) and the VS Code
// language configuration from grammar/tokens.ts. Run `npm run grammar` after changing tokens.ts;
// test/syntax/tmgrammar.test.ts fails when the committed JSON differs from what this builds.
//
// TextMate sees one line at a time, so "a keyword only where a statement starts" is
// approximated the way the parser decides it: a keyword not after `.` and followed on the same
// line by a value (`steps 100`, `loss mean(...)`, `run {`) — never `log(` or `steps:`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builtinFunctions,
  clauseKeywords,
  constants,
  dataSources,
  declarationKeywords,
  hypergradientModes,
  levelStatementKeywords,
  modelKinds,
  optimizers,
  patterns,
  punctuation,
  runStatementKeywords,
  units,
  type DeclarationKeyword,
} from './tokens.js';

const alt = (words: readonly string[]) => [...new Set(words)].sort((a, b) => b.length - a.length || a.localeCompare(b)).join('|');
const id = patterns.identifier;
/** Not part of a longer name and not a field after `.`. */
const notInName = '(?<![A-Za-z0-9_.])';
/** A value follows on this line: what makes a keyword the start of a statement. */
const valueFollows = '(?=\\s+(?:[A-Za-z0-9_"(\\[\\-.])|\\s*\\{)';
const unitAlt = alt(units.map((u) => u.text));

/** The scope of the name each declaration keyword introduces (`run` introduces none). */
const declaredNameScopes: Record<Exclude<DeclarationKeyword, 'run'>, string> = {
  data: 'entity.name.type.data.mlo',
  model: 'entity.name.function.model.mlo',
  param: 'entity.name.variable.param.mlo',
  level: 'entity.name.class.level.mlo',
};

type Rule = Record<string, unknown>;

function grammar(): Rule {
  const statementKeywords = [...levelStatementKeywords, ...runStatementKeywords].filter((k) => k !== 'let' && k !== 'report');
  const operators = punctuation.filter((p) => p.scope.startsWith('keyword.operator') && p.text !== '.');
  const punct = punctuation.filter((p) => !p.scope.startsWith('keyword.operator') && p.text !== '.');
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\\-]/g, '\\$&');

  const repository: Record<string, Rule> = {
    comment: {
      match: `(#)${patterns.comment.slice(1)}`,
      name: 'comment.line.number-sign.mlo',
      captures: { '1': { name: 'punctuation.definition.comment.mlo' } },
    },
    string: {
      begin: '"',
      end: '(")|$',
      beginCaptures: { '0': { name: 'punctuation.definition.string.begin.mlo' } },
      endCaptures: { '1': { name: 'punctuation.definition.string.end.mlo' } },
      name: 'string.quoted.double.mlo',
      patterns: [{ match: '\\\\["\\\\]', name: 'constant.character.escape.mlo' }],
    },
    declaration: {
      patterns: [
        ...declarationKeywords
          .filter((kw) => kw !== 'run')
          .map((kw) => [kw, declaredNameScopes[kw as Exclude<DeclarationKeyword, 'run'>]] as const)
          .map(([kw, scope]) => ({
          match: `${notInName}\\b(${kw})\\s+(${id})`,
          captures: { '1': { name: `keyword.declaration.${kw}.mlo` }, '2': { name: scope } },
        })),
        {
          match: `${notInName}\\b(run)(?=\\s*\\{)`,
          captures: { '1': { name: 'keyword.declaration.run.mlo' } },
        },
      ],
    },
    statement: {
      patterns: [
        {
          match: `${notInName}\\b(let)\\s+(${id})`,
          captures: { '1': { name: 'keyword.other.statement.let.mlo' }, '2': { name: 'variable.other.definition.mlo' } },
        },
        {
          match: `${notInName}\\b(report)\\s+(${id})\\s*(:)`,
          captures: {
            '1': { name: 'keyword.other.statement.report.mlo' },
            '2': { name: 'variable.other.definition.mlo' },
            '3': { name: 'punctuation.separator.colon.mlo' },
          },
        },
        {
          match: `${notInName}\\b(report)\\b${valueFollows}`,
          captures: { '1': { name: 'keyword.other.statement.report.mlo' } },
        },
        {
          match: `${notInName}\\b(${alt(statementKeywords)})\\b${valueFollows}`,
          name: 'keyword.other.statement.mlo',
        },
        {
          match: `${notInName}\\b(${alt(clauseKeywords)})\\b(?!\\s*[(:.=])`,
          name: 'keyword.other.clause.mlo',
        },
      ],
    },
    number: {
      patterns: [
        {
          match: `(?<![A-Za-z0-9_])(${patterns.number})(${unitAlt})?(?![A-Za-z0-9_%])`,
          captures: { '1': { name: 'constant.numeric.mlo' }, '2': { name: 'keyword.other.unit.mlo' } },
        },
        {
          match: `(?<![A-Za-z0-9_])${patterns.number}${patterns.unitSuffix}`,
          name: 'invalid.illegal.unit.mlo',
        },
      ],
    },
    'named-argument': {
      match: `(${id})\\s*(?=:)`,
      captures: { '1': { name: 'variable.parameter.mlo' } },
    },
    member: {
      match: `(\\.)\\s*(${id})`,
      captures: { '1': { name: 'punctuation.accessor.mlo' }, '2': { name: 'variable.other.property.mlo' } },
    },
    'builtin-name': {
      patterns: [
        { match: `\\b(${alt(dataSources)})\\b(?=\\s*\\()`, name: 'support.function.data.mlo' },
        { match: `\\b(${alt(modelKinds)})\\b(?=\\s*\\()`, name: 'support.function.model.mlo' },
        { match: `\\b(${alt(optimizers)})\\b`, name: 'support.function.optimizer.mlo' },
        { match: `\\b(${alt(hypergradientModes)})\\b`, name: 'support.function.hypergradient.mlo' },
        { match: `\\b(${alt(builtinFunctions)})\\b(?=\\s*\\()`, name: 'support.function.builtin.mlo' },
        { match: `\\b(${alt(constants)})\\b`, name: 'constant.language.mlo' },
      ],
    },
    call: {
      match: `(${id})(?=\\s*\\()`,
      name: 'entity.name.function.call.mlo',
    },
    operator: {
      patterns: operators.map((p) => ({ match: esc(p.text), name: p.scope })),
    },
    punctuation: {
      patterns: punct.map((p) => ({ match: esc(p.text), name: p.scope })),
    },
    identifier: { match: `\\b${id}\\b`, name: 'variable.other.mlo' },
  };

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'mlo',
    scopeName: 'source.mlo',
    fileTypes: ['mlo'],
    comment: 'Generated by grammar/build-tmlanguage.ts from grammar/tokens.ts — do not edit by hand (npm run grammar).',
    patterns: [
      'comment',
      'string',
      'declaration',
      'statement',
      'number',
      'named-argument',
      'member',
      'builtin-name',
      'call',
      'operator',
      'punctuation',
      'identifier',
    ].map((name) => ({ include: `#${name}` })),
    repository,
  };
}

function languageConfiguration(): Rule {
  return {
    comments: { lineComment: '#' },
    brackets: [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
    ],
    autoClosingPairs: [
      { open: '{', close: '}' },
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: '"', close: '"', notIn: ['string', 'comment'] },
    ],
    surroundingPairs: [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
      ['"', '"'],
    ],
    folding: {
      markers: { start: '^\\s*#\\s*region\\b', end: '^\\s*#\\s*endregion\\b' },
    },
    indentationRules: {
      increaseIndentPattern: '^.*(\\{[^}"]*|\\([^)"]*|\\[[^\\]"]*)(#.*)?$',
      decreaseIndentPattern: '^\\s*[}\\])]',
    },
    // A number with its unit (`4GiB`, `80%`, `1e-3`) is one word, as is a name.
    wordPattern: `-?${patterns.number}${patterns.unitSuffix}?|${id}`,
  };
}

export function buildTmLanguage(): string {
  return `${JSON.stringify(grammar(), null, 2)}\n`;
}

export function buildLanguageConfiguration(): string {
  return `${JSON.stringify(languageConfiguration(), null, 2)}\n`;
}

export const tmLanguagePath = join(dirname(fileURLToPath(import.meta.url)), 'mlo.tmLanguage.json');
export const languageConfigurationPath = join(dirname(fileURLToPath(import.meta.url)), 'language-configuration.json');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(tmLanguagePath, buildTmLanguage());
  writeFileSync(languageConfigurationPath, buildLanguageConfiguration());
  console.log(`wrote ${tmLanguagePath}\nwrote ${languageConfigurationPath}`);
}
