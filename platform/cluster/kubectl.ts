// kubectl from the control plane's build, against the local cluster.
import { execFile } from 'node:child_process';

export function kubectl(binDir: string, kubeconfig: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(`${binDir}/kubectl`, ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}
