// kubectl from the cluster build (K8S_BIN_DIR), for the suite's applies and dry runs.
import { execFile } from 'node:child_process';

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kubectl(args: string[], input?: string): Promise<Outcome> {
  const bin = process.env.K8S_BIN_DIR ? `${process.env.K8S_BIN_DIR}/kubectl` : 'kubectl';
  return new Promise((resolve) => {
    const child = execFile(bin, args, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}
