/**
 * Splits a systemd ExecStart= value into its arguments, as systemd does for the quoting the
 * agent writes: double-quoted words with \\ and \" escapes, and %% for a literal %.
 */
export function parseExecStart(unit: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(unit)?.[1];
  if (line === undefined) throw new Error('no ExecStart= in the unit');
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const word = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!;
    args.push(word.replace(/%%/g, '%'));
  }
  return args;
}
