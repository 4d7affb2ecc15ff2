/**
 * The official Python SDKs as a second client of the emulators.
 *
 * Interpreter: BOTYARD_PYTHON, else the first of /usr/bin/python3 (Debian's, where `apt-get install
 * python3-azure python3-requests python3-jwt` puts the packages) and `python3` on PATH that imports
 * what a suite needs. stream-chat-python is not packaged: its sources come from BOTYARD_STREAM_CHAT_PYTHON
 * (a directory holding the `stream_chat` package), else ~/.cache/botyard/stream-chat-python, which
 * .ci/run fills. Nothing of either SDK lives in this repository.
 *
 * When something is missing the suite is skipped with a visible note, except under CI (`CI` set),
 * where it fails naming the fix: CI must never go green by skipping.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

const inCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

export const STREAM_SDK_DIR =
  process.env.BOTYARD_STREAM_CHAT_PYTHON ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'botyard', 'stream-chat-python');

/** The first interpreter that imports every module named, or undefined. */
export function findPython(modules: string[]): string | undefined {
  const candidates = process.env.BOTYARD_PYTHON ? [process.env.BOTYARD_PYTHON] : ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    try {
      execFileSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore', timeout: 20_000 });
      return python;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** `describe` for a suite that needs `python` (undefined: missing, with `why` and `fix`). */
export function describePython(name: string, python: string | undefined, missing: { why: string; fix: string }, fn: (python: string) => void): void {
  if (python) {
    describe(name, () => fn(python));
  } else if (inCI) {
    describe(name, () => {
      it(`needs ${missing.why}`, () => {
        throw new Error(`${missing.why} and CI is set: ${missing.fix}`);
      });
    });
  } else {
    console.warn(`[botyard tests] ${missing.why}: ${name} is SKIPPED. ${missing.fix}`);
    describe.skip(`${name} (skipped: ${missing.why})`, () => fn(''));
  }
}

/** Runs a Python script, resolving with its stdout parsed as JSON; rejects with its stderr. */
export function runPython(python: string, script: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${script} exited ${code}:\n${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!));
      } catch {
        reject(new Error(`${script} printed no JSON:\n${out}\n${err}`));
      }
    });
  });
}

export const streamSdkPresent = () => existsSync(join(STREAM_SDK_DIR, 'stream_chat', 'client.py'));
