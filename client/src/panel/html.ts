// The metrics page's HTML: a strict Content-Security-Policy (nothing from the network, scripts
// only with this load's nonce), the bundled script and stylesheet, and nothing inline.
// Pure, so the panel test serves exactly what VS Code shows.
import { randomBytes } from 'node:crypto';

export interface PageResources {
  /** `webview.cspSource`: the origin the webview may load local resources from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function pageHtml(r: PageResources): string {
  const nonce = r.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(r.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${r.styleUri}">
<title>mlo metrics</title>
</head>
<body>
<div id="app" aria-live="polite"></div>
<script nonce="${nonce}" src="${r.scriptUri}"></script>
</body>
</html>`;
}
