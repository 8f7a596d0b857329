// Runs the extension-host suite (test/e2e/suite, bundled) inside VS Code's web workbench: the
// workbench URL's `payload` names the extension under development and the tests, as
// @vscode/test-electron does for the desktop; the smoke-test driver reports the exit code.
//   node --import tsx test/e2e/ext-host.ts SERVER_URL WORKSPACE_DIR EXTENSION_DIR TESTS_INDEX_JS
import { launch } from './browser.js';

const [base, folder, extPath, testsPath] = process.argv.slice(2);
const authority = new URL(base).host;
const payload = JSON.stringify([
  ['extensionDevelopmentPath', `vscode-remote://${authority}${extPath}`],
  ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
]);
const url = `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`;
const t0 = Date.now();
const { context, close } = await launch();
const page = context.pages()[0] ?? (await context.newPage());
let exitCode: number | undefined;
const done = new Promise<void>((resolve) =>
  void page.exposeFunction('codeAutomationExit', (code: number) => {
    exitCode = code;
    resolve();
  }),
);
// The suite's console output arrives through the smoke-test driver's log hook.
await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
  const text = (args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  print(text);
});
// Each line may arrive twice (the log hook and the page console): print it once.
const seen = new Set<string>();
const print = (text: string) => {
  const at = text.indexOf('[mlo-e2e]');
  if (at < 0 || seen.has(text.slice(at))) return;
  seen.add(text.slice(at));
  console.log(text.slice(at));
};
page.on('console', (m) => print(m.text()));
await page.goto(url);
const limit = Number(process.env.MLO_E2E_TIMEOUT_MS ?? 240_000);
await Promise.race([done, new Promise((r) => setTimeout(r, limit))]);
console.log(JSON.stringify({ exitCode: exitCode ?? 'timeout', seconds: (Date.now() - t0) / 1000 }));
await close();
process.exit(exitCode === 0 ? 0 : 1);
