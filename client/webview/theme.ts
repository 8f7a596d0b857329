// Colours from the VS Code theme (CSS variables the webview receives), with fallbacks for a
// page shown outside VS Code.
export interface Theme {
  foreground: string;
  background: string;
  grid: string;
  palette: string[];
  font: string;
}

const PALETTE_VARS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-terminal-ansiCyan', '#11a8cd'],
  ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
];

export function readTheme(el: HTMLElement = document.body): Theme {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-foreground', '#cccccc');
  return {
    foreground,
    background: v('--vscode-editor-background', '#1e1e1e'),
    grid: v('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
    palette: PALETTE_VARS.map(([name, fb]) => v(name, fb)),
    font: `${v('--vscode-font-size', '12px')} ${v('--vscode-font-family', 'sans-serif')}`,
  };
}
