// Errors as notifications with the actions that help: the log, and the problem in the file.
import * as vscode from 'vscode';

export async function showError(message: string, output: vscode.OutputChannel, problem?: { uri: vscode.Uri; range?: vscode.Range }): Promise<void> {
  output.appendLine(`[error] ${message}`);
  const actions = problem ? ['Show problem', 'Open log'] : ['Open log'];
  const choice = await vscode.window.showErrorMessage(`mlo: ${message}`, ...actions);
  if (choice === 'Open log') output.show(true);
  else if (choice === 'Show problem' && problem) {
    const editor = await vscode.window.showTextDocument(problem.uri);
    if (problem.range) {
      editor.selection = new vscode.Selection(problem.range.start, problem.range.end);
      editor.revealRange(problem.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}

/** The first error diagnostic of a file, if any: what "Show problem" jumps to. */
export function firstError(uri: vscode.Uri): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error);
}
