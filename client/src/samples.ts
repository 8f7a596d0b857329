// "Open a sample": the samples ship inside the extension (copied from samples/ at build time).
// With a workspace open, the chosen sample and its data are copied into `mlo-samples/` there,
// so jobs write their output beside it; without one, the bundled copy opens read-only.
import * as vscode from 'vscode';

export async function openSample(extensionUri: vscode.Uri): Promise<vscode.TextEditor | undefined> {
  const root = vscode.Uri.joinPath(extensionUri, 'samples');
  const entries = await vscode.workspace.fs.readDirectory(root);
  const names = entries.filter(([n, t]) => t === vscode.FileType.File && n.endsWith('.mlo')).map(([n]) => n).sort();
  const items = await Promise.all(
    names.map(async (name) => {
      const text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, name))).toString('utf8');
      const description = text.split('\n').find((l) => l.startsWith('#'))?.replace(/^#\s*/, '') ?? '';
      return { label: name, description };
    }),
  );
  const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Open an mlo sample', matchOnDescription: true });
  if (!pick) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0];
  let target = vscode.Uri.joinPath(root, pick.label);
  if (folder && vscode.workspace.isTrusted) {
    const dest = vscode.Uri.joinPath(folder.uri, 'mlo-samples');
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(root, 'data'), vscode.Uri.joinPath(dest, 'data'), { overwrite: true });
    target = vscode.Uri.joinPath(dest, pick.label);
    // An existing copy may hold the user's edits: open it rather than overwrite it.
    const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
    if (!exists) await vscode.workspace.fs.copy(vscode.Uri.joinPath(root, pick.label), target);
  }
  return vscode.window.showTextDocument(target);
}
