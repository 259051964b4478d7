/** A stream the CLI writes to, and whether it is a terminal: colour and progress lines only go to one. */
export interface Output {
  write(text: string): void;
  isTTY: boolean;
}

/** Returns the process's stdout and stderr as Outputs. */
export function processOutputs(): { out: Output; err: Output } {
  return {
    out: { write: (chunk) => void process.stdout.write(chunk), isTTY: process.stdout.isTTY === true },
    err: { write: (chunk) => void process.stderr.write(chunk), isTTY: process.stderr.isTTY === true },
  };
}

/** Returns ANSI styles that apply only when `enabled`; callers pass whether the output is a terminal without NO_COLOR. */
export function styles(enabled: boolean) {
  const wrap = (open: string) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[0m` : text);
  return { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), green: wrap('32'), cyan: wrap('36') };
}

/** True when `output` is a terminal and NO_COLOR (https://no-color.org) is not set. */
export function colourOn(output: Output, env: NodeJS.ProcessEnv): boolean {
  return output.isTTY && env.NO_COLOR === undefined;
}

/**
 * Shows a one-line status such as "Exporting…" while slow work runs, and returns the function
 * that erases it. On anything but a terminal it writes nothing, so logs and pipes stay clean.
 */
export function progress(output: Output, text: string): () => void {
  if (!output.isTTY) return () => {};
  output.write(text);
  return () => output.write('\r\u001b[K');
}
