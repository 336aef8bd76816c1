/**
 * The real `ProcessRunner`: `child_process.spawn` with a timeout, output streamed to a callback. Every process runs
 * in `cwd` (a neutral folder, see launch.ts) with the safe-path environment, never in the workspace folder.
 */
import { spawn } from 'node:child_process';
import type { ProcessRunner, RunResult } from './install';
import { pythonEnvironment } from './launch';

export const createProcessRunner =
  (cwd: string): ProcessRunner =>
  (command, args, options = {}) =>
  new Promise<RunResult>((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (result: RunResult): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(result);
      }
    };
    const child = spawn(command, [...args], {
      cwd,
      env: pythonEnvironment(process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            finish({
              code: null,
              stdout,
              stderr,
              spawnError: { code: 'ETIMEDOUT', message: `timed out after ${options.timeoutMs} ms` },
            });
          }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onOutput?.(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish({ code: null, stdout, stderr, spawnError: { code: error.code, message: error.message } });
    });
    child.on('close', (code) => finish({ code, stdout, stderr }));
  });
