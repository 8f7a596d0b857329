// Entry point of the language server process: `node out/server/src/lsp/main.js --stdio`
// (or --node-ipc / --socket=PORT, which vscode-languageserver reads from argv).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);
// A bug in one request must never take the editor's server down: log it and go on.
process.on('uncaughtException', (e) => connection.console.error(`mlo server: uncaught ${e instanceof Error ? e.stack : String(e)}`));
process.on('unhandledRejection', (e) => connection.console.error(`mlo server: unhandled rejection ${e instanceof Error ? e.stack : String(e)}`));
startServer(connection);
