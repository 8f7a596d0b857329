// Entry point of the language server process: `node out/server/src/lsp/main.js --stdio`
// (or --node-ipc / --socket=PORT, which vscode-languageserver reads from argv).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);
// A bug must never take the editor's server down: log it (to the client and to stderr, which
// the stdio transport leaves free) and go on.
const report = (what: string, e: unknown) => {
  const line = `mlo server: ${what} ${e instanceof Error ? e.stack : String(e)}`;
  process.stderr.write(`${line}\n`);
  connection.console.error(line);
};
process.on('uncaughtException', (e) => report('uncaught', e));
process.on('unhandledRejection', (e) => report('unhandled rejection', e));
startServer(connection);
