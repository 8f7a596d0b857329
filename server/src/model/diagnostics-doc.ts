// Renders docs/diagnostics.md from the catalogue, so the documentation cannot drift from the
// codes the checker emits (scripts/gen-diagnostics-doc.ts writes it; a test compares).

import { catalogue } from './diagnostics.js';

export function renderDiagnosticsDoc(): string {
  const out: string[] = [
    '# Diagnostics',
    '',
    '<!-- Generated from server/src/model/diagnostics.ts by `npx tsx scripts/gen-diagnostics-doc.ts`; do not edit by hand. -->',
    '',
    'Every problem the checker reports has a stable code. Severities: **error** (the program',
    'cannot run), **warning** (it runs, but probably not as meant), **hint** (information about',
    'cost or numerics). Messages name the things involved; `{…}` below stands for those names.',
    'Syntax problems (MLO001–MLO007) carry the parser\'s own message.',
    '',
    '| code | severity | title |',
    '|---|---|---|',
    ...catalogue.map((e) => `| [${e.code}](#${e.code.toLowerCase()}) | ${e.severity} | ${e.title} |`),
    '',
  ];
  for (const e of catalogue) {
    out.push(
      `## ${e.code}`,
      '',
      `**${e.title}** — ${e.severity}. Message: \`${e.template}\``,
      '',
      e.meaning,
      '',
      '```mlo',
      e.example,
      '```',
      '',
      `Fix: ${e.fix}`,
      '',
    );
  }
  return out.join('\n');
}
