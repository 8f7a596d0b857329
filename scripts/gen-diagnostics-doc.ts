// Writes docs/diagnostics.md from the diagnostic catalogue. Run: npx tsx scripts/gen-diagnostics-doc.ts
import { writeFileSync } from 'node:fs';
import { renderDiagnosticsDoc } from '../server/src/model/diagnostics-doc.js';

writeFileSync(new URL('../docs/diagnostics.md', import.meta.url), renderDiagnosticsDoc());
console.log('wrote docs/diagnostics.md');
