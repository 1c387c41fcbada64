// Where a pod's files live on a process node, and the annotations that tell clients where to look.
//   <stateDir>/pods/<namespace>_<pod>_<uid>/<container>.log   stdout and stderr, appended across restarts
//   <stateDir>/pods/<namespace>_<pod>_<uid>/<container>.pid   its running process group (leftovers.ts)
//   <stateDir>/pods/<namespace>_<pod>_<uid>/work/             the processes' working directory
//   <stateDir>/pods/<namespace>_<pod>_<uid>/tmp/              their TMPDIR
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The loopback port the node gave the pod's (first) container, as $PORT. */
export const PORT_ANNOTATION = 'streamforge.io/port';
/** The log file of the pod's first container; the others' sit beside it as <container>.log. */
export const LOG_ANNOTATION = 'streamforge.io/log';

export const defaultStateDir = (nodeName: string) => join(tmpdir(), `streamforge-node-${nodeName}`);

export function podDir(stateDir: string, pod: { namespace: string; name: string; uid: string }): string {
  return join(stateDir, 'pods', `${pod.namespace}_${pod.name}_${pod.uid}`);
}

export const logFileOf = (dir: string, container: string) => join(dir, `${container}.log`);
export const pidFileOf = (dir: string, container: string) => join(dir, `${container}.pid`);

/** A container's log from the pod's annotation: the annotated file, or its sibling for another container. */
export function logFileFromAnnotation(annotated: string, container: string | undefined): string {
  return container === undefined ? annotated : logFileOf(dirname(annotated), container);
}
