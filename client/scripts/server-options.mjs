// esbuild options for a language-server bundle: Node, one cjs file, no native modules.
// Shared by build.mjs (dist/server.cjs) and the e2e tests (the replay server in test/e2e).

// `vscode-languageserver/node.js` is how NodeNext sources name the `./node` export; esbuild,
// stricter than tsx, wants the export's own name.
const nodeSubpathPlugin = {
  name: 'strip-node-js-subpath',
  setup(build) {
    build.onResolve({ filter: /^vscode-[a-z-]+\/node\.js$/ }, (args) =>
      build.resolve(args.path.replace(/\.js$/, ''), { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

export function serverBuildOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    metafile: true,
    plugins: [nodeSubpathPlugin],
    // ESM sources (chevrotain 13 is ESM-only) become one cjs file; import.meta.url still works.
    define: { 'import.meta.url': '__mlo_import_meta_url' },
    banner: { js: 'const __mlo_import_meta_url = require("url").pathToFileURL(__filename).href;' },
  };
}
